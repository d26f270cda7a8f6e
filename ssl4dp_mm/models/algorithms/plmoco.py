"""PLMoCo: patch-level MoCo. Matched feature-map cells of two views are positives."""
from typing import Dict, List, Optional, Tuple

import torch
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.cell_nce import NEAR_MODES, NearCells, cell_info_nce
from ..utils.gather import as_global_mean, batch_rand, batch_sizes, gather_rows
from ..utils.patch_matching import match_cell_geometry
from .momentum_queue_base import MomentumQueueSSL


@MODELS.register_module()
class PLMoCo(MomentumQueueSSL):
    """Patch-level MoCo.

    Both views go through the encoder (and decoder, w/dec) and a 1x1-conv projector, giving one
    vector per feature-map cell. Each query cell is mapped back to original-image coordinates with
    the crop/flip of its view (``coord_box``) and matched to the nearest key cell of the other view
    (:func:`match_cells`; pairs farther apart than ``pos_threshold`` cell diagonals are dropped).
    For each kept query cell, InfoNCE with

    - the positive: its matched key cell;
    - negatives: the other key cells of the batch (all images of every process; or
      ``num_batch_negatives`` of them sampled per step) and a queue of key cells from earlier
      batches (``enqueue_cells`` random cells per image are enqueued each step).

    Under DDP the key cells of every process are gathered, the loss is the mean over the queries
    of every process and the random cells are drawn for the whole batch
    (:mod:`ssl4dp_mm.models.utils.gather`): W processes of N/W images compute what one process of
    N images computes (with SyncBN, see ``sync_bn`` in the runtime bases).

    Other key cells of the same image within the positive radius of the query (there are several
    when the key view is zoomed in) show the same image point: with ``near_positives='exclude'``
    they are no negatives, with ``'positive'`` they are positives too (PixPro's rule, Xie et al.
    2021, in the multi-positive InfoNCE form), with ``'negative'`` they stay negatives.

    The loss is computed in chunks of query cells (:func:`cell_info_nce`, exact loss and gradients),
    so memory holds at most ``max_logits`` logits instead of M x (N*h*w + queue), which grows with
    the batch squared. Chunking bounds memory, not time: the time of the in-batch term still grows
    with the batch squared unless ``num_batch_negatives`` bounds it.

    Views that do not overlap give no positives; when a whole batch has none the loss is an exact 0
    that is still connected to the graph (finite, zero gradients), so training goes on.

    Args:
        pos_threshold (float): Largest distance of a positive pair, in cell diagonals.
            Defaults to 0.7.
        enqueue_cells (int): Key cells per image pushed to the queue each step. Defaults to 16.
        near_positives (str): What the other key cells within the positive radius are:
            ``'exclude'``, ``'positive'`` or ``'negative'``. Defaults to 'exclude'.
        num_batch_negatives (int, optional): Key cells of the batch sampled (uniformly, without
            replacement, each step) as negatives; None, or a number at least the batch's key cells,
            uses all of them. Defaults to None.
        max_logits (int): Most logits held at once by the chunked loss. Defaults to 2**24.
        **kwargs: Those of :class:`MomentumQueueSSL`: ``neck`` is a dense projector
            (``DenseProjector``) and the queue holds cell vectors.
    """

    def __init__(self,
                 pos_threshold: float = 0.7,
                 enqueue_cells: int = 16,
                 near_positives: str = 'exclude',
                 num_batch_negatives: Optional[int] = None,
                 max_logits: int = 2**24,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if near_positives not in NEAR_MODES:
            raise ValueError(f'near_positives must be one of {NEAR_MODES}, not {near_positives!r}')
        self.pos_threshold = pos_threshold
        self.enqueue_cells = enqueue_cells
        self.near_positives = near_positives
        self.num_batch_negatives = num_batch_negatives
        self.max_logits = max_logits

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        boxes = torch.stack([ds.coord_box for ds in data_samples]).to(im_q.device)  # NxVx4
        q = self.project(im_q)  # NxCxhqxwq
        k = self.key_forward(im_k)  # NxCxhkxwk, no gradient
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
        sk = hk * wk
        match = match_cell_geometry(boxes[:, 0], boxes[:, 1], (hq, wq), (hk, wk),
                                    self.pos_threshold)
        index, valid = match.index, match.valid  # NxSq, NxSq
        q = q.flatten(2).transpose(1, 2)[valid]  # MxC
        k = k.flatten(2).transpose(1, 2).reshape(n * sk, c)  # (N*Sk)xC
        # the key cells of every process (N' images in all): the negatives of the whole batch
        sizes = batch_sizes(n, q.device)  # images per process
        rows = [s * sk for s in sizes]
        k_all, first = gather_rows(k, rows)  # (N'*Sk)xC, no gradient
        k_xy, _ = gather_rows(match.centers_k.reshape(n * sk, 2), rows)  # (N'*Sk)x2
        offset, n_all = first // sk, sum(sizes)  # this process's first image, images in all
        image = torch.arange(n, device=q.device)
        pos_index = (index + (image[:, None] + offset) * sk)[valid]  # M, rows of k_all
        if q.size(0) == 0:  # no view pair of the batch overlaps: nothing to contrast
            loss = q.sum() * 0.  # exact 0, still part of the graph
        else:
            cols = self.sample_batch_keys(n_all * sk, q.device)  # J (None: all N'*Sk)
            k_image = torch.arange(n_all, device=q.device).repeat_interleave(sk)  # N'*Sk
            q_image = image[:, None].expand(n, hq * wq)[valid]  # M
            near = NearCells(q_image + offset, match.centers_q[valid], match.radius[q_image],
                             k_image, k_xy)
            pos_col, keys = pos_index, k_all
            if cols is not None:
                column_of = torch.full((n_all * sk, ), -1, dtype=torch.long, device=q.device)
                column_of[cols] = torch.arange(cols.numel(), device=q.device)
                pos_col, keys = column_of[pos_index], k_all[cols]
                near = near._replace(k_image=k_image[cols], k_xy=k_xy[cols])
            loss = cell_info_nce(q, k_all[pos_index], keys, self.queue.feats,
                                 self.head.temperature, pos_col=pos_col, near=near,
                                 near_mode=self.near_positives, max_logits=self.max_logits)
        loss = as_global_mean(loss, pos_index.numel())  # the mean over all processes' queries

        # enqueue a few random key cells per image
        per_image = min(self.enqueue_cells, sk)
        pick = batch_rand(sizes, sk, device=k.device).argsort(dim=1)[:, :per_image]  # Nxper
        pick = (pick + image[:, None] * sk).flatten()
        self.queue.enqueue(k[pick])
        return loss, torch.tensor(float(pos_index.numel()), device=q.device)

    def sample_batch_keys(self, num_keys: int, device) -> Optional[torch.Tensor]:
        """``num_batch_negatives`` random rows of the batch's keys, or None to use them all."""
        if self.num_batch_negatives is None or self.num_batch_negatives >= num_keys:
            return None
        return torch.randperm(num_keys, device=device)[:self.num_batch_negatives]
