"""PRCL: patch-level relational learning. The change of a cell between two views is shared."""
from typing import Dict, List, Tuple

import torch
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.amp import in_float32
from ..utils.gather import as_global_mean
from ..utils.patch_matching import match_cells
from .momentum_queue_base import MomentumQueueSSL


@in_float32
def direction_agreement(d: torch.Tensor, valid: torch.Tensor,
                        eps: float = 1e-8) -> Tuple[torch.Tensor, torch.Tensor]:
    """Mean cosine similarity over all pairs ``i != j`` of valid difference vectors, per image.

    Uses ``sum_{i != j} <u_i, u_j> = |sum_i u_i|^2 - sum_i |u_i|^2`` for the unit vectors
    ``u_i = d_i / max(|d_i|, eps)`` (an exact-zero ``d_i`` counts as a zero vector), so no MxM
    matrix is built. In float32 under any autocast: the difference of two sums of up to S^2 is
    where bfloat16's ~3 digits would go.

    Args:
        d (torch.Tensor): NxSxC difference vectors.
        valid (torch.Tensor): NxS bool, which cells take part.
        eps (float): Smallest norm divided by. Defaults to 1e-8.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``mean_cos`` N (0 where an image has fewer than two valid
        cells) and ``has_pairs`` N (bool).
    """
    u = F.normalize(d, dim=2, eps=eps) * valid[..., None]  # NxSxC, zero where not valid
    s = u.sum(1)  # NxC
    pair_sum = (s * s).sum(1) - (u * u).sum((1, 2))  # N: sum over ordered pairs i != j
    m = valid.sum(1).float()  # N
    num_pairs = m * (m - 1)  # N: ordered pairs
    has_pairs = num_pairs > 0
    mean_cos = torch.where(has_pairs, pair_sum / num_pairs.clamp(min=1), torch.zeros_like(m))
    return mean_cos, has_pairs


@MODELS.register_module()
class PRCL(MomentumQueueSSL):
    """Patch-level relational contrastive learning.

    Two views of an image are encoded (w/dec: through the decoder) and projected per cell by a
    1x1-conv projector; the query view by the online network, the key view by a momentum encoder
    (no gradient, a slowly moving target as in MoCo/BYOL). Cell vectors are L2-normalised, so a cell
    is a point on the unit sphere and the difference ``d_i = k_m(i) - q_i`` between a query cell
    ``i`` and its matched key cell ``m(i)`` (:func:`match_cells`) measures how the *same image
    content* moved in feature space from one view to the other, independently of feature magnitude.

    The content of matched cells is the same, so ``d_i`` can only come from what differs between
    the views: the augmentation (colour, blur, scale, flip) and the global context of the crop,
    which are shared by all cells of that image pair. Hence the ``d_i`` of one image should point
    the same way. The loss is ``1 - mean cos(d_i, d_j)`` over **all ordered pairs ``(i, j)``,
    ``i != j``, of valid matched query cells of the same image** (the cosine is symmetric, so this
    equals the mean over unordered pairs), averaged first within each image and then over the images
    that have at least two valid cells (each image counts once whatever its overlap; under DDP,
    over those of every process, :func:`as_global_mean`). Pairs across images are excluded on
    purpose: another image's views had other augmentations, so their ``d`` need not agree.

    Args:
        momentum (float): Momentum of the key encoder. Defaults to 0.99.
        pos_threshold (float): Largest distance of a matched pair, in cell diagonals.
            Defaults to 0.7.
        **kwargs: Those of :class:`MomentumQueueSSL` but the queue's (no queue is built):
            ``neck`` is a dense projector (``DenseProjector``); there is no ``head``.
    """

    def __init__(self, momentum: float = 0.99, pos_threshold: float = 0.7, **kwargs) -> None:
        super().__init__(queue_len=None, momentum=momentum, **kwargs)
        self.pos_threshold = pos_threshold

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        boxes = torch.stack([ds.coord_box for ds in data_samples]).to(im_q.device)  # NxVx4
        q = self.project(im_q)  # NxCxhqxwq
        k = self.key_forward(im_k)  # NxCxhkxwk, no gradient

        n, c, hq, wq = q.shape
        index, valid = match_cells(boxes[:, 0], boxes[:, 1], (hq, wq), tuple(k.shape[2:]),
                                   self.pos_threshold)  # NxSq, NxSq
        q = q.flatten(2).transpose(1, 2)  # NxSqxC
        k = k.flatten(2).transpose(1, 2)  # NxSkxC
        k = torch.gather(k, 1, index[..., None].expand(-1, -1, c))  # NxSqxC, matched key cells
        d = k - q  # NxSqxC
        mean_cos, has_pairs = direction_agreement(d, valid)  # N, N
        if has_pairs.any():
            loss = 1. - mean_cos[has_pairs].mean()
        else:  # no image has two matched cells: nothing to relate
            loss = q.sum() * 0.
        loss = as_global_mean(loss, has_pairs.sum())  # the mean over all processes' images
        return dict(loss=loss, num_pos=valid.sum().float())
