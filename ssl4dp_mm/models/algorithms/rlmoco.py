"""RLMoCo: region-level MoCo. A region in one view and the same region in the other: positives."""
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.cell_nce import cell_info_nce
from ..utils.gather import as_global_mean, batch_sizes, gather_rows
from ..utils.mask_pooling import stack_region_fields
from .momentum_queue_base import MomentumQueueSSL
from .region_base import RegionEncoderDecoderSSL


def first_occurrence(ids: torch.Tensor) -> torch.Tensor:
    """NxM bool: the id at ``[n, i]`` does not occur at ``[n, j]`` for any ``j < i``."""
    m = ids.size(1)
    earlier = torch.ones(m, m, dtype=torch.bool, device=ids.device).tril(-1)  # j < i
    return ~((ids[:, :, None] == ids[:, None, :]) & earlier).any(dim=2)


@MODELS.register_module()
class RLMoCo(RegionEncoderDecoderSSL, MomentumQueueSSL):
    """Region-level MoCo.

    The dense map of each view (decoder output w/dec, backbone output w/o) is averaged inside each
    of the M regions sampled per image (superpixels, grid cells or labels: ``SampleMaskIds``) and
    projected (``MoCoV2Neck`` on vectors). The query view goes through the online encoder, the key
    view through a momentum encoder (MoCo, He et al., 2020, https://arxiv.org/abs/1911.05722). For
    each region of the query view that is also present in the key view, InfoNCE with

    - the positive: the key-view vector of the region with the same id in the same image;
    - negatives: every other region of the key views of the batch (of every process, gathered
      under DDP, :mod:`ssl4dp_mm.models.utils.gather`), and a queue of key region vectors from
      earlier batches.

    A region sampled twice (``SampleMaskIds`` fills up with repeats when an image has few regions)
    counts once, as anchor and as negative; regions absent from a view at the feature stride are
    neither. All N*M key vectors of a step enter the queue with a flag (1: usable, 0: absent or a
    repeat), and flagged-0 entries are no negatives; the random initial entries (flag -1) are, as in
    MoCo. A batch without any shared region gives an exact 0 loss that is still part of the graph.

    Arguments are those of :class:`MomentumQueueSSL`; ``neck`` projects (N*M)xC region vectors
    (``MoCoV2Neck`` with ``with_avg_pool=False``) and the queue holds region vectors with flags.
    """

    queue_with_labels = True

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        masks, ids = stack_region_fields(data_samples, im_q.device)  # NxVxHxW, NxVxM
        ids_q, ids_k = ids[:, 0], ids[:, 1]  # NxM
        q, valid_q = self.project_regions(im_q, masks[:, 0], ids_q)  # NxMxD, NxM
        q = F.normalize(q, dim=2)
        feats_k = self.key_forward(im_k, self.encode)  # NxCxhxw, no gradient
        with torch.no_grad():  # the masks are in image order: pool after the unshuffle
            k, valid_k = self.region_vectors(feats_k, masks[:, 1], ids_k,
                                             self.encoder_k.module)  # NxMxD, NxM
            k = F.normalize(k, dim=2)

        n, m, _ = q.shape
        usable_k = valid_k & first_occurrence(ids_k)  # NxM
        same = (ids_q[:, :, None] == ids_k[:, None, :]) & usable_k[:, None, :]  # NxMxM
        anchor = same.any(dim=2) & valid_q & first_occurrence(ids_q)  # NxM
        keys = k.reshape(n * m, -1)  # (N*M)xD
        # the key regions of every process (N' images in all): the negatives of the whole batch
        rows = [s * m for s in batch_sizes(n, q.device)]
        keys_all, first = gather_rows(keys, rows)  # (N'*M)xD, no gradient
        usable_all, _ = gather_rows(usable_k.view(-1), rows)  # N'*M
        image = torch.arange(n, device=q.device)
        offset = first // m  # this process's first image among all
        pos_index = same.float().argmax(dim=2) + (image[:, None] + offset) * m  # NxM

        if anchor.any():
            q, pos_index = q[anchor], pos_index[anchor]  # AxD, A
            # the anchor's own region, absent regions and repeats are no negatives
            own = torch.zeros(n, m, keys_all.size(0) // m, m, dtype=torch.bool, device=q.device)
            own[image, :, image + offset, :] = same
            not_neg = own.flatten(2)[anchor] | ~usable_all[None]  # Ax(N'*M)
            # Ax1 vs Ax(N'*M + L) logits, in chunks of anchors (exact; memory bounded)
            loss = cell_info_nce(q, keys_all[pos_index], keys_all, self.queue.feats,
                                 self.head.temperature, pos_col=pos_index, near_mode='negative',
                                 drop=not_neg, queue_drop=self.queue.labels == 0)
        else:  # no region is in both views of any image: nothing to contrast
            loss = q.sum() * 0.
        loss = as_global_mean(loss, anchor.sum())  # the mean over all processes' anchors

        self.queue.enqueue(keys, usable_k.view(-1).long())
        return dict(loss=loss, num_pos=anchor.sum().float())
