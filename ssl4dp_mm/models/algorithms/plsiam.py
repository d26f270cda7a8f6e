"""PLSiam: patch-level SimSiam. Matched cells of two views predict each other; no negatives."""
from typing import Dict, List

import torch
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.patch_matching import match_cells
from .encoder_decoder_base import EncoderDecoderSSL


@MODELS.register_module()
class PLSiam(EncoderDecoderSSL):
    """Patch-level SimSiam.

    SimSiam (Chen & He, 2021, https://arxiv.org/abs/2011.10566) applied to feature-map cells: both
    views go through the same encoder (and decoder, w/dec) and a 1x1-conv projector (``neck``); the
    head's 1x1-conv predictor maps the cells of one view onto the matched cells of the other, whose
    projections are detached (stop-gradient). Cells are matched through the views' ``coord_box``
    (:func:`match_cells`, both directions). The loss is symmetric,
    ``0.5 * (D(p1, sg(z2)) + D(p2, sg(z1)))``, with ``D`` the negative cosine averaged over the
    matched cells of the batch. No negatives, no queue, no momentum encoder.

    Args:
        pos_threshold (float): Largest distance of a positive pair, in cell diagonals.
            Defaults to 0.7.
        **kwargs: Those of :class:`EncoderDecoderSSL`: ``neck`` is a dense projector
            (``DenseProjector``), ``head`` a ``DenseLatentPredictHead`` (holds the predictor).
    """

    def __init__(self, pos_threshold: float = 0.7, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pos_threshold = pos_threshold

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        img_v1, img_v2 = inputs[0], inputs[1]
        boxes = torch.stack([ds.coord_box for ds in data_samples]).to(img_v1.device)  # NxVx4
        z1 = self.neck([self.encode(img_v1)])[0]  # NxCxh1xw1
        z2 = self.neck([self.encode(img_v2)])[0]  # NxCxh2xw2
        size1, size2 = tuple(z1.shape[2:]), tuple(z2.shape[2:])
        index_12, valid_12 = match_cells(boxes[:, 0], boxes[:, 1], size1, size2,
                                         self.pos_threshold)  # Nx(h1*w1): view-1 cell -> view 2
        index_21, valid_21 = match_cells(boxes[:, 1], boxes[:, 0], size2, size1,
                                         self.pos_threshold)  # Nx(h2*w2): view-2 cell -> view 1

        loss_1 = self.head(z1, z2, index_12, valid_12)
        loss_2 = self.head(z2, z1, index_21, valid_21)
        num_pos = (valid_12.sum() + valid_21.sum()).float()
        return dict(loss=0.5 * (loss_1 + loss_2), num_pos=num_pos)
