"""One batch over N processes: gather its rows, draw its random numbers, average its loss.

With W processes each holding N/W images, DDP averages the W gradients, i.e. it optimises the mean
of the W losses. Three things make that the loss of one process holding all N images:

- **Negatives of the whole batch** (:func:`gather_rows`): the in-batch keys of every process, in
  rank order, as MoCo gathers the keys it enqueues. Keys of a momentum or target branch carry no
  gradient (plain ``all_gather``); keys that do (P2Vec's words, DetCon-S's projections) are
  gathered by an autograd function whose backward sums the gradients of every process's loss onto
  the process that owns the rows (MMSelfSup's ``GatherLayer`` keeps only the own process's loss
  gradient, so DDP would miss the other processes' terms).
- **The mean over the whole batch** (:func:`as_global_mean`): a loss averaged over a varying number
  of items per process (matched cells, anchors) is rescaled so that the mean over processes is the
  mean over all items.
- **Random draws of the whole batch** (:func:`batch_rand`): each process draws the numbers of the
  whole batch and keeps its rows. Processes with the same generator state (mmengine seeds every rank
  alike unless ``randomness.diff_rank_seed=True``) then draw together what one process draws for
  the whole batch, instead of all drawing the same pattern for their own images.

On one process every function returns its input (or the plain draw) without a collective, so
single-process numbers are unchanged. Every process must call each function at the same point (they
are collectives), also a process whose batch has nothing to contrast.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.distributed as torch_dist
from mmengine.dist import get_comm_device, get_rank, get_world_size


def batch_sizes(rows: int, device: Optional[torch.device] = None) -> List[int]:
    """The number of rows (e.g. images) of every process, in rank order.

    Args:
        rows (int): This process's rows.
        device (torch.device, optional): Where the exchanged sizes live. Defaults to None (the
            backend's device: CUDA for NCCL, CPU for gloo).

    Returns:
        list[int]: One size per process; ``[rows]`` on one process.
    """
    world = get_world_size()
    if world == 1:
        return [rows]
    local = torch.tensor([rows], dtype=torch.long, device=device or get_comm_device())
    sizes = [torch.zeros_like(local) for _ in range(world)]
    torch_dist.all_gather(sizes, local)
    return [int(s) for s in sizes]


class _AllGatherRows(torch.autograd.Function):
    """All-gather of equal-shape tensors along dim 0 whose backward hands each process the sum of
    every process's gradient of its own rows (an all-reduce, supported by every backend)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        world, ctx.rank = get_world_size(), get_rank()
        parts = [torch.empty_like(x) for _ in range(world)]
        torch_dist.all_gather(parts, x.contiguous())
        return torch.cat(parts)  # (W*K)x...

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.contiguous().clone()
        torch_dist.all_reduce(grad)  # sum over the processes' losses
        return grad.chunk(get_world_size())[ctx.rank]


def gather_rows(x: torch.Tensor,
                sizes: Optional[Sequence[int]] = None,
                differentiable: bool = False) -> Tuple[torch.Tensor, int]:
    """Concatenate the rows of ``x`` of every process, in rank order.

    Processes may hold different numbers of rows (padded for the exchange, then trimmed).

    Args:
        x (torch.Tensor): KxD... this process's rows (any dtype; bool is exchanged as uint8).
        sizes (Sequence[int], optional): Rows of every process, as :func:`batch_sizes` gives them.
            Defaults to None (exchanged here).
        differentiable (bool): Let gradients flow back to the process that owns each row (the
            backward sums every process's gradient of the row). Defaults to False (no gradient
            reaches ``x``).

    Returns:
        tuple[torch.Tensor, int]: The (sum of sizes)xD... rows of all processes, and the index of
        this process's first row among them. On one process: ``x`` itself and 0.
    """
    world = get_world_size()
    if world == 1:
        return x, 0
    rank = get_rank()
    if sizes is None:
        sizes = batch_sizes(x.size(0), x.device)
    if sizes[rank] != x.size(0):
        raise ValueError(f'gather_rows: this process has {x.size(0)} rows, sizes says '
                         f'{sizes[rank]}')
    is_bool = x.dtype == torch.bool
    if is_bool:
        x = x.to(torch.uint8)
    if not differentiable:
        x = x.detach()
    longest = max(sizes)
    if x.size(0) < longest:  # all_gather exchanges tensors of one shape
        x = torch.cat([x, x.new_zeros((longest - x.size(0), ) + tuple(x.shape[1:]))])
    if differentiable:
        parts = _AllGatherRows.apply(x).chunk(world)  # W x (longest x ...)
    else:
        parts = [torch.empty_like(x) for _ in range(world)]
        torch_dist.all_gather(parts, x.contiguous())
    out = torch.cat([part[:size] for part, size in zip(parts, sizes)])
    return (out.bool() if is_bool else out), sum(sizes[:rank])


def as_global_mean(loss: torch.Tensor, count) -> torch.Tensor:
    """This process's mean over ``count`` items -> its share of the mean over every process's items.

    DDP averages the gradients of the W processes. Scaling each process's mean by
    ``count * W / total`` makes the average of the W losses (and so of their gradients) the mean
    over all ``total`` items, whatever each process's count. A process with ``count`` 0 (its loss
    an exact 0) stays 0.

    Args:
        loss (torch.Tensor): The scalar mean over this process's items.
        count (int | torch.Tensor): How many items that mean is over.

    Returns:
        torch.Tensor: The rescaled loss; ``loss`` itself on one process.
    """
    world = get_world_size()
    if world == 1:
        return loss
    # float64: counts are exact integers and the ratio rounds once, in the loss's dtype
    count = torch.as_tensor(count, dtype=torch.float64, device=loss.device).reshape(())
    total = count.clone()
    torch_dist.all_reduce(total)
    return loss * (count * world / total.clamp(min=1.)).to(loss.dtype)


def batch_rand(sizes: Sequence[int], *shape: int, device=None) -> torch.Tensor:
    """This process's rows of one ``torch.rand(sum(sizes), *shape)`` draw for the whole batch.

    Args:
        sizes (Sequence[int]): Rows (images) of every process, as :func:`batch_sizes` gives them.
        *shape (int): The shape of one row's numbers.
        device (torch.device, optional): Defaults to None.

    Returns:
        torch.Tensor: ``sizes[rank] x *shape`` uniform numbers; on one process exactly
        ``torch.rand(sizes[0], *shape)``.
    """
    if len(sizes) == 1:
        return torch.rand(sizes[0], *shape, device=device)
    rank = get_rank()
    start = sum(sizes[:rank])
    return torch.rand(sum(sizes), *shape, device=device)[start:start + sizes[rank]]
