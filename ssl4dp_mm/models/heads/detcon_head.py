"""DetCon's contrastive detection objective.

Hénaff et al., "Efficient Visual Pretraining with Contrastive Detection", ICCV 2021,
https://arxiv.org/abs/2103.10957.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_world_size
from mmselfsup.registry import MODELS

from ..utils.amp import in_float32
from ..utils.gather import as_global_mean, batch_sizes, gather_rows

_INF = 1e9  # the reference code's "infinity proxy"


@in_float32
def detcon_loss(pred1: torch.Tensor,
                pred2: torch.Tensor,
                target1: torch.Tensor,
                target2: torch.Tensor,
                ids1: torch.Tensor,
                ids2: torch.Tensor,
                valid1: Optional[torch.Tensor] = None,
                valid2: Optional[torch.Tensor] = None,
                temperature: float = 0.1,
                gather: bool = True,
                negatives_keep: Optional[Tuple[torch.Tensor, torch.Tensor]] = None) -> torch.Tensor:
    """Equation 3 of DetCon, batched as deepmind's ``byol_nce_detcon`` (``utils/losses.py``).

    Each mask vector of view 1, ``pred1[n, i]``, is an anchor; its positives are the target vectors
    of view 2 of the same image with the same id; its negatives are every target vector of every
    image in both views (gathered from all processes), except its own mask in its own view.
    Cross-entropy on the cosine similarities divided by ``temperature``, positives sharing the
    target mass equally; an anchor is weighted by one over the number of times its id was sampled
    in its view, and by zero when it has no positive. The mean over the NxM anchors, plus the same
    with the views swapped. It runs in float32 under any autocast (:func:`.amp.in_float32`): the
    logits over the batch's masks and the ``_INF`` offsets keep float32 digits.

    Beyond the reference (which samples only masks present in each view), ``valid`` marks masks that
    are absent from a view at the feature stride: they are neither anchors, positives nor negatives.
    ``negatives_keep`` (DetCon's "fewer negatives" ablation, see :class:`DetConHead`) removes target
    masks from the negatives of every anchor; an anchor's positives always stay.

    Args:
        pred1 (torch.Tensor): NxMxD online vectors of view 1 (DetConB: predictions).
        pred2 (torch.Tensor): NxMxD online vectors of view 2.
        target1 (torch.Tensor): NxMxD target vectors of view 1 (DetConS: the same as ``pred1``).
        target2 (torch.Tensor): NxMxD target vectors of view 2.
        ids1 (torch.Tensor): NxM mask ids of view 1.
        ids2 (torch.Tensor): NxM mask ids of view 2.
        valid1 (torch.Tensor, optional): NxM bool, mask present in view 1. Defaults to None (all).
        valid2 (torch.Tensor, optional): NxM bool, mask present in view 2. Defaults to None (all).
        temperature (float): Softmax temperature. Defaults to 0.1.
        gather (bool): Gather the targets of all processes as negatives, with their gradient
            where they carry one (DetCon-S), and average over the anchors of all processes: W
            processes of N/W images compute what one process of N images computes (no-op on one
            process). Defaults to True.
        negatives_keep (tuple[torch.Tensor, torch.Tensor], optional): (N*W)xM bool per view (of
            the gathered targets of view 1 and view 2): False drops that target as a negative.
            Defaults to None (every target is a negative).

    Returns:
        torch.Tensor: The scalar loss.
    """
    n, m, _ = pred1.shape
    valid1 = torch.ones_like(ids1, dtype=torch.bool) if valid1 is None else valid1.bool()
    valid2 = torch.ones_like(ids2, dtype=torch.bool) if valid2 is None else valid2.bool()
    pred1, pred2 = F.normalize(pred1, dim=-1), F.normalize(pred2, dim=-1)
    target1, target2 = F.normalize(target1, dim=-1), F.normalize(target2, dim=-1)

    world = get_world_size() if gather else 1
    if world > 1:
        # DetCon-S's targets carry gradient: gathered so that every process's loss sends its
        # gradient back to the process that owns the target (the backward sums them)
        sizes = batch_sizes(n, pred1.device)
        target1, offset = gather_rows(target1, sizes, target1.requires_grad)  # (N*W)xMxD
        target2, _ = gather_rows(target2, sizes, target2.requires_grad)
        tvalid1, _ = gather_rows(valid1, sizes)  # (N*W)xM
        tvalid2, _ = gather_rows(valid2, sizes)
    else:
        tvalid1, tvalid2, offset = valid1, valid2, 0
    if negatives_keep is not None:
        keep1, keep2 = (k.bool() for k in negatives_keep)
        if keep1.shape != tvalid1.shape or keep2.shape != tvalid2.shape:
            raise ValueError(f'negatives_keep must be two {tuple(tvalid1.shape)} masks (the '
                             f'gathered targets), got {tuple(keep1.shape)}, {tuple(keep2.shape)}')
    else:
        keep1 = keep2 = None
    # same image: Nx1x(N*W)x1
    same_image = F.one_hot(torch.arange(n, device=pred1.device) + offset,
                           target1.size(0)).float()[:, None, :, None]

    def same_id(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:  # NxMx1xM
        return (a[:, :, None] == b[:, None, :]).float()[:, :, None, :]

    def one_direction(p_a, t_a_all, t_b_all, ids_a, ids_b, valid_a, valid_b, tvalid_a, tvalid_b,
                      keep_a, keep_b):
        logits_ab = torch.einsum('nmd,kjd->nmkj', p_a, t_b_all) / temperature  # NxMx(N*W)xM
        logits_aa = torch.einsum('nmd,kjd->nmkj', p_a, t_a_all) / temperature
        labels_ab = same_image * same_id(ids_a, ids_b)  # positives: same image, same id
        labels_ab = (labels_ab * valid_b.float()[:, None, None, :]
                     * valid_a.float()[:, :, None, None])
        logits_aa = logits_aa - _INF * same_image * same_id(ids_a, ids_a)  # not itself
        logits_ab = logits_ab - _INF * (~tvalid_b).float()[None, None]  # absent: no negative
        logits_aa = logits_aa - _INF * (~tvalid_a).float()[None, None]
        if keep_a is not None:  # dropped negatives (a positive of the anchor stays)
            logits_ab = logits_ab - _INF * ((~keep_b).float()[None, None] * (labels_ab == 0))
            logits_aa = logits_aa - _INF * (~keep_a).float()[None, None]
        logits = torch.cat([logits_ab, logits_aa], dim=2).reshape(n, m, -1)
        labels = torch.cat([labels_ab, torch.zeros_like(labels_ab)], dim=2).reshape(n, m, -1)
        num_pos = labels.sum(dim=-1)  # NxM
        labels = labels / num_pos.clamp(min=1)[..., None]
        obj_area = same_id(ids_a, ids_a).sum(dim=(2, 3))  # NxM, times the id was sampled
        weights = (num_pos > 1e-3).float() / obj_area
        ce = -weights * (labels * F.log_softmax(logits, dim=-1)).sum(dim=-1)  # NxM
        return ce.mean()

    loss_a = one_direction(pred1, target1, target2, ids1, ids2, valid1, valid2, tvalid1, tvalid2,
                           keep1, keep2)
    loss_b = one_direction(pred2, target2, target1, ids2, ids1, valid2, valid1, tvalid2, tvalid1,
                           keep2, keep1)
    if world > 1:  # the mean over the anchors of every process
        return as_global_mean(loss_a + loss_b, n * m)
    return loss_a + loss_b


def sample_negatives(num_targets: int, num_masks: int, divisor: int,
                     device=None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Keep ``ceil(2 * num_targets * num_masks / divisor)`` of the target masks of both views as
    negatives, drawn uniformly without replacement (torch's global generator, so a seeded run
    draws the same every time).

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``num_targets x num_masks`` bool per view.
    """
    total = 2 * num_targets * num_masks
    keep = torch.zeros(total, dtype=torch.bool, device=device)
    keep[torch.randperm(total, device=device)[:-(-total // divisor)]] = True
    keep = keep.view(2, num_targets, num_masks)
    return keep[0], keep[1]


@MODELS.register_module()
class DetConHead(nn.Module):
    """Holds DetCon's temperature and computes :func:`detcon_loss`.

    Args:
        temperature (float): Softmax temperature (0.1 in the paper). Defaults to 0.1.
        gather (bool): Use the targets of all processes as negatives. Defaults to True.
        negatives_divisor (int): The DetCon review's "far fewer negatives" ablation: at every step
            only ``1 / negatives_divisor`` of the batch's target masks (both views, all
            processes), drawn anew (:func:`sample_negatives`), serve as negatives; each anchor
            keeps its positives. 1 uses them all (the method). Defaults to 1.
    """

    def __init__(self, temperature: float = 0.1, gather: bool = True,
                 negatives_divisor: int = 1) -> None:
        super().__init__()
        if negatives_divisor < 1:
            raise ValueError(f'DetConHead: negatives_divisor must be >= 1, got {negatives_divisor}')
        self.temperature = temperature
        self.gather = gather
        self.negatives_divisor = negatives_divisor

    def forward(self, pred1, pred2, target1, target2, ids1, ids2, valid1=None, valid2=None):
        """See :func:`detcon_loss` for the arguments (NxMxD vectors, NxM ids and flags)."""
        keep = None
        if self.negatives_divisor > 1:
            world = get_world_size() if self.gather else 1
            n, m = ids1.shape
            keep = sample_negatives(n * world, m, self.negatives_divisor, ids1.device)
        return detcon_loss(pred1, pred2, target1, target2, ids1, ids2, valid1, valid2,
                           self.temperature, self.gather, keep)
