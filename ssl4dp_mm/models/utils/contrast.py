"""The logits of InfoNCE, shared by the image-level and the cell-level contrastive methods.

Both functions return ``(l_pos, l_neg)`` for MMSelfSup's ``ContrastiveHead`` (which divides by the
temperature and applies cross-entropy with the positive in column 0).
"""
from typing import Optional, Tuple

import torch


def image_logits(q: torch.Tensor, k: torch.Tensor,
                 queue: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """MoCo's logits: each query against its own key and against the queue.

    Args:
        q (torch.Tensor): NxC L2-normalised queries.
        k (torch.Tensor): NxC L2-normalised keys (the positives).
        queue (torch.Tensor): LxC negatives (no gradient flows into them).

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``l_pos`` Nx1 and ``l_neg`` NxL.
    """
    l_pos = torch.einsum('nc,nc->n', q, k).unsqueeze(-1)  # Nx1
    l_neg = torch.einsum('nc,kc->nk', q, queue.clone().detach())  # NxL
    return l_pos, l_neg


def cell_logits(q: torch.Tensor,
                keys: torch.Tensor,
                pos_index: torch.Tensor,
                queue: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Each query cell against its positive key and every other key of the batch (and a queue).

    The positive's column in the batch block is set to ``-inf`` (it is already column 0), so every
    other key, of the same image or another, is a negative.

    Args:
        q (torch.Tensor): MxC L2-normalised query vectors.
        keys (torch.Tensor): KxC L2-normalised key vectors of the whole batch.
        pos_index (torch.Tensor): M, the row of ``keys`` that is each query's positive.
        queue (torch.Tensor, optional): LxC extra negatives (no gradient flows into them).
            Defaults to None.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``l_pos`` Mx1 and ``l_neg`` Mx(K+L).
    """
    l_pos = (q * keys[pos_index]).sum(1, keepdim=True)  # Mx1
    l_batch = q @ keys.t()  # MxK
    l_batch = l_batch.scatter(1, pos_index[:, None], float('-inf'))  # not its own negative
    if queue is None:
        return l_pos, l_batch
    l_queue = q @ queue.clone().detach().t()  # MxL
    return l_pos, torch.cat([l_batch, l_queue], dim=1)
