"""The logits of image-level InfoNCE (the cell-level loss is ``cell_nce.cell_info_nce``).

It returns ``(l_pos, l_neg)`` for MMSelfSup's ``ContrastiveHead`` (which divides by the
temperature and applies cross-entropy with the positive in column 0). The logits are float32 under
any autocast (:func:`.amp.in_float32`): half-precision queries meet the float32 queue, and the
softmax over the queue keeps float32 digits.
"""
from typing import Tuple

import torch

from .amp import in_float32


@in_float32
def image_logits(q: torch.Tensor, k: torch.Tensor,
                 queue: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """MoCo's logits: each query against its own key and against the queue.

    Args:
        q (torch.Tensor): NxC L2-normalised queries.
        k (torch.Tensor): NxC L2-normalised keys (the positives).
        queue (torch.Tensor): LxC negatives (no gradient flows into them).

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``l_pos`` Nx1 and ``l_neg`` NxL, float32.
    """
    l_pos = torch.einsum('nc,nc->n', q, k).unsqueeze(-1)  # Nx1
    l_neg = torch.einsum('nc,kc->nk', q, queue.clone().detach())  # NxL
    return l_pos, l_neg
