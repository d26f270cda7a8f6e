"""PLMoCo: patch-level MoCo. Matched feature-map cells of two views are positives."""
from typing import Dict, List, Tuple

import torch
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample
from mmselfsup.utils import batch_shuffle_ddp, batch_unshuffle_ddp

from ..utils.contrast import cell_logits
from ..utils.patch_matching import match_cells
from .momentum_queue_base import MomentumQueueSSL


@MODELS.register_module()
class PLMoCo(MomentumQueueSSL):
    """Patch-level MoCo.

    Both views go through the encoder (and decoder, w/dec) and a 1x1-conv projector, giving one
    vector per feature-map cell. Each query cell is mapped back to original-image coordinates with the
    crop/flip of its view (``coord_box``) and matched to the nearest key cell of the other view
    (:func:`match_cells`; pairs farther apart than ``pos_threshold`` cell diagonals are dropped).
    For each kept query cell, InfoNCE with

    - the positive: its matched key cell;
    - negatives: every other key cell of the batch (all images) and a queue of key cells from earlier
      batches (``enqueue_cells`` random cells per image are enqueued each step).

    Views that do not overlap give no positives; when a whole batch has none the loss is an exact 0
    that is still connected to the graph (finite, zero gradients), so training goes on.

    Args:
        pos_threshold (float): Largest distance of a positive pair, in cell diagonals.
            Defaults to 0.7.
        enqueue_cells (int): Key cells per image pushed to the queue each step. Defaults to 16.
        **kwargs: Those of :class:`MomentumQueueSSL`: ``neck`` is a dense projector
            (``DenseProjector``) and the queue holds cell vectors.
    """

    def __init__(self, pos_threshold: float = 0.7, enqueue_cells: int = 16, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pos_threshold = pos_threshold
        self.enqueue_cells = enqueue_cells

    def project(self, img: torch.Tensor, modules=None) -> torch.Tensor:
        """Images -> L2-normalised cell vectors, NxCxhxw."""
        modules = modules if modules is not None else self.online_modules()
        return F.normalize(modules['neck']([self.encode(img, modules)])[0], dim=1)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        boxes = torch.stack([ds.coord_box for ds in data_samples]).to(im_q.device)  # NxVx4
        q = self.project(im_q)  # NxCxhqxwq
        with torch.no_grad():
            self.encoder_k.update_parameters(self.online_modules())
            im_k, idx_unshuffle = batch_shuffle_ddp(im_k)  # shuffle for BatchNorm
            k = self.project(im_k, self.encoder_k.module)  # NxCxhkxwk
            k = batch_unshuffle_ddp(k, idx_unshuffle)

        loss, num_pos = self.patch_loss(q, k, boxes)
        return dict(loss=loss, num_pos=num_pos)

    def patch_loss(self, q: torch.Tensor, k: torch.Tensor,
                   boxes: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """InfoNCE over matched cells, then a few key cells per image into the queue.

        Args:
            q (torch.Tensor): NxCxhqxwq normalised query cells (view 0).
            k (torch.Tensor): NxCxhkxwk normalised key cells (view 1, no gradient).
            boxes (torch.Tensor): NxVx4 ``coord_box`` of the views.

        Returns:
            tuple[torch.Tensor, torch.Tensor]: The loss and the number of positive pairs.
        """
        n, c, hq, wq = q.shape
        hk, wk = k.shape[2:]
        index, valid = match_cells(boxes[:, 0], boxes[:, 1], (hq, wq), (hk, wk),
                                   self.pos_threshold)  # NxSq, NxSq
        q = q.flatten(2).transpose(1, 2)  # NxSqxC
        k = k.flatten(2).transpose(1, 2).reshape(n * hk * wk, c)  # (N*Sk)xC
        pos_index = (index + torch.arange(n, device=q.device)[:, None] * hk * wk)[valid]  # M
        q = q[valid]  # MxC
        if q.size(0) == 0:  # no view pair of the batch overlaps: nothing to contrast
            loss = q.sum() * 0.  # exact 0, still part of the graph
        else:
            loss = self.head(*cell_logits(q, k, pos_index, self.queue.feats))

        # enqueue a few random key cells per image
        per_image = min(self.enqueue_cells, hk * wk)
        pick = torch.rand(n, hk * wk, device=k.device).argsort(dim=1)[:, :per_image]  # Nxper
        pick = (pick + torch.arange(n, device=k.device)[:, None] * hk * wk).flatten()
        self.queue.enqueue(k[pick])
        return loss, torch.tensor(float(pos_index.numel()), device=q.device)
