"""DetCon: contrastive detection over regions of two views, SimCLR-style (S) and BYOL-style (B)."""
from typing import Dict, List

import torch
from mmselfsup.models.utils import CosineEMA
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.mask_pooling import stack_region_fields
from .region_base import RegionEncoderDecoderSSL


def _both_views(inputs: List[torch.Tensor], masks: torch.Tensor, ids: torch.Tensor):
    """Concatenate the two views into one batch (one BatchNorm batch, as SimCLR and BYOL do).

    Returns images (2N)xCxHxW, masks (2N)xHxW and ids (2N)xM, view 1 first.
    """
    if inputs[0].shape != inputs[1].shape:
        raise ValueError(f'DetCon needs two views of one size, got {tuple(inputs[0].shape)} and '
                         f'{tuple(inputs[1].shape)}')
    return (torch.cat(inputs[:2]), torch.cat([masks[:, 0], masks[:, 1]]),
            torch.cat([ids[:, 0], ids[:, 1]]))


def _num_pairs(ids: torch.Tensor, valid1: torch.Tensor, valid2: torch.Tensor) -> torch.Tensor:
    """How many sampled regions of view 1 have their id present in view 2 (a float, for logs)."""
    same = (ids[:, 0, :, None] == ids[:, 1, None, :]) & valid2[:, None, :]  # NxMxM
    return (same.any(dim=2) & valid1).sum().float()


@MODELS.register_module()
class DetConS(RegionEncoderDecoderSSL):
    """DetCon-S: SimCLR's shared encoder with the contrastive detection objective.

    Hénaff et al., "Efficient Visual Pretraining with Contrastive Detection", ICCV 2021,
    https://arxiv.org/abs/2103.10957. Both views go through one encoder (and decoder, w/dec); the
    dense map is averaged inside each of M sampled masks per view (masks average-pooled to the
    feature stride and arg-maxed) and projected. Masks with the same id in the two views of an image
    are positives; every other mask of every image in the batch, in both views, is a negative
    (``DetConHead``, temperature 0.1); masks absent from a view are left out. Under DDP the
    projections of every process are the negatives, gathered with their gradient, so that W
    processes of N/W images compute the loss and gradients of one process of N images.

    Args:
        backbone (dict): Backbone config.
        neck (dict): Projector config, on (N*M)xC vectors (``NonLinearNeck``, no pooling).
        head (dict): ``DetConHead`` config.
        decoder (dict, optional): Decode-head config; None for w/o dec. Defaults to None.
        in_index (int): Backbone output used without a decoder. Defaults to -1.
        pretrained (str, optional): Defaults to None.
        data_preprocessor (dict, optional): Defaults to None.
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        masks, ids = stack_region_fields(data_samples, inputs[0].device)  # NxVxHxW, NxVxM
        n = inputs[0].size(0)
        img, view_masks, view_ids = _both_views(inputs, masks, ids)
        z, valid = self.project_regions(img, view_masks, view_ids)  # (2N)xMxD, (2N)xM
        z1, z2, valid1, valid2 = z[:n], z[n:], valid[:n], valid[n:]
        # SimCLR-style: the projections are both the anchors and the targets
        loss = self.head(z1, z2, z1, z2, ids[:, 0], ids[:, 1], valid1, valid2)
        return dict(loss=loss, num_pairs=_num_pairs(ids, valid1, valid2))


@MODELS.register_module()
class DetConB(RegionEncoderDecoderSSL):
    """DetCon-B: BYOL's online and target networks with the contrastive detection objective.

    Hénaff et al., 2021, https://arxiv.org/abs/2103.10957 (deepmind ``detcon_b.py``). The online
    network (encoder, decoder w/dec, projector, predictor) predicts, for each sampled mask of one
    view, the target network's projection of the same mask in the other view, contrasted against
    every other mask of the batch (``DetConHead``: deepmind's ``byol_nce_detcon``, temperature 0.1).
    The target network (encoder, decoder, projector) is an exponential moving average of the online
    one whose momentum rises from ``base_momentum`` to 1 on a cosine over training (BYOL;
    MMSelfSup's ``CosineEMA``, which reads ``max_iters`` from the runner's message hub).

    Args:
        predictor (dict): Predictor config (``NonLinearNeck``, no pooling).
        base_momentum (float): Starting momentum of the target network. Defaults to 0.996.
        **kwargs: Those of :class:`EncoderDecoderSSL`: ``neck`` is a projector on (N*M)xC
            vectors (``NonLinearNeck``, no pooling), ``head`` a ``DetConHead``.
    """

    def __init__(self, predictor: dict, base_momentum: float = 0.996, **kwargs) -> None:
        super().__init__(**kwargs)
        self.predictor = MODELS.build(predictor)
        self.target_net = CosineEMA(self.online_modules(), momentum=base_momentum)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        masks, ids = stack_region_fields(data_samples, inputs[0].device)  # NxVxHxW, NxVxM
        n = inputs[0].size(0)
        img, view_masks, view_ids = _both_views(inputs, masks, ids)
        z, valid = self.project_regions(img, view_masks, view_ids)  # (2N)xMxD, (2N)xM
        m = z.size(1)
        p = self.predictor([z.flatten(0, 1)])[0].view(2 * n, m, -1)  # (2N)xMxD
        with torch.no_grad():
            self.target_net.update_parameters(self.online_modules())
            t, _ = self.project_regions(img, view_masks, view_ids,
                                        self.target_net.module)  # (2N)xMxD
        valid1, valid2 = valid[:n], valid[n:]
        loss = self.head(p[:n], p[n:], t[:n], t[n:], ids[:, 0], ids[:, 1], valid1, valid2)
        return dict(loss=loss, num_pairs=_num_pairs(ids, valid1, valid2))
