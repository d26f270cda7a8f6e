"""A first-in first-out queue of feature vectors (MoCo's negatives), identical on every rank."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmselfsup.utils import concat_all_gather


class FeatureQueue(nn.Module):
    """A ring buffer of L2-normalised vectors, optionally with an integer label per entry.

    ``enqueue`` gathers the new entries of every rank first (a no-op on one process), so all ranks
    write the same entries in the same order and their queues stay identical. Unlike MoCo's queue it
    does not require the queue length to be a multiple of the batch.

    Args:
        length (int): Number of entries.
        dim (int): Feature dimension.
        with_labels (bool): Keep a label per entry (``-1`` for the random initial entries).
            Defaults to False.
    """

    def __init__(self, length: int, dim: int, with_labels: bool = False) -> None:
        super().__init__()
        self.length = length
        self.register_buffer('feats', F.normalize(torch.randn(length, dim), dim=1))  # LxC
        self.register_buffer('ptr', torch.zeros(1, dtype=torch.long))
        self.with_labels = with_labels
        if with_labels:
            self.register_buffer('labels', torch.full((length, ), -1, dtype=torch.long))

    @torch.no_grad()
    def enqueue(self, feats: torch.Tensor, labels: Optional[torch.Tensor] = None) -> None:
        """Write ``feats`` (MxC, this rank's; any floating dtype, stored in the queue's) after
        gathering all ranks' entries."""
        # in the queue's dtype before the gather: every rank sends the same dtype, whatever
        # autocast made of its keys
        feats = concat_all_gather(feats.detach().to(self.feats.dtype).contiguous())  # (M*world)xC
        if self.with_labels:
            assert labels is not None, 'this queue keeps labels: pass them to enqueue'
            labels = concat_all_gather(labels.detach().contiguous())
        n = min(feats.size(0), self.length)
        feats = feats[-n:]
        ptr = int(self.ptr)
        index = (ptr + torch.arange(n, device=feats.device)) % self.length
        self.feats[index] = feats
        if self.with_labels:
            self.labels[index] = labels[-n:].to(self.labels.dtype)
        self.ptr[0] = (ptr + n) % self.length
