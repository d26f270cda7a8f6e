"""Cell-level InfoNCE whose memory does not grow with (queries x keys): chunks of queries,
recomputed in backward.

With M query cells and K key cells of the batch (both N*h*w), the logits of PLMoCo are M x (K + L)
(L: the queue), so holding them, their softmax and their gradient costs memory that grows with the
batch squared. :func:`cell_info_nce` computes the same loss and the same gradients one chunk of
queries at a time: the forward keeps two numbers per query (its log-sum-exps), and the backward
recomputes each chunk's logits to form its softmax. Peak memory is ``chunk x (K + L)`` logits,
``max_logits`` at most.

For query ``i`` let ``s_ij = q_i . k_j / T`` over its columns: its positive key (always column 0),
the batch keys and the queue. With ``P_i`` its positives and ``C_i`` the columns it is contrasted
over (``P_i`` among them),

    loss_i = logsumexp_{j in C_i} s_ij - logsumexp_{j in P_i} s_ij

which is MoCo's cross-entropy when ``P_i`` is the positive alone, and the multi-positive form of
MIL-NCE (Miech et al., 2020) otherwise. The loss is the mean over queries.

Which batch keys are not negatives is given per query by ``near`` (key cells of the same image
within the positive radius, see :class:`NearCells`) and/or ``drop`` (an explicit mask):

- ``near_mode='negative'``: they stay negatives (MoCo's rule applied to cells; only the
  positive's own column is taken out of the batch block, as it is column 0 already);
- ``near_mode='exclude'``: they are left out (neither positives nor negatives);
- ``near_mode='positive'``: they are positives too (PixPro-style multi-positive).
"""
from typing import NamedTuple, Optional

import torch

from .amp import float32_backward, float32_forward

NEAR_MODES = ('negative', 'exclude', 'positive')


class NearCells(NamedTuple):
    """Where the query and key cells lie, to find the key cells near a query.

    A key cell is near query ``i`` when it belongs to the same image and its centre is closer than
    ``radius[i]`` to the query's (both in original-image coordinates).

    Attributes:
        q_image (torch.Tensor): M, image index of each query.
        q_xy (torch.Tensor): Mx2 query centres.
        radius (torch.Tensor): M positive radius of each query.
        k_image (torch.Tensor): K, image index of each batch key.
        k_xy (torch.Tensor): Kx2 key centres.
    """
    q_image: torch.Tensor
    q_xy: torch.Tensor
    radius: torch.Tensor
    k_image: torch.Tensor
    k_xy: torch.Tensor

    def mask(self, rows: slice) -> torch.Tensor:
        """RxK bool: the key cells near each query of ``rows``."""
        same = self.q_image[rows, None] == self.k_image[None]  # RxK
        d2 = ((self.q_xy[rows, None, :] - self.k_xy[None]) ** 2).sum(-1)  # RxK
        return same & (d2 < self.radius[rows, None] ** 2)


def _chunk_logits(ctx_like, rows: slice):
    """Logits of one chunk: positive column, batch block, queue block, with the masks applied.

    Returns:
        tuple: ``s_pos`` R, ``s_batch`` RxK, ``s_queue`` RxL (over the temperature; dropped columns
        ``-inf``) and ``extra_pos`` RxK bool (batch keys that are positives too) or None.
    """
    c = ctx_like
    t = c.temperature
    q = c.q[rows]  # RxC
    s_pos = (q * c.pos_keys[rows]).sum(1) / t  # R
    s_batch = q @ c.keys.t() / t  # RxK
    drop = torch.zeros_like(s_batch, dtype=torch.bool)
    if c.pos_col is not None:
        col = c.pos_col[rows]  # R, -1 where the positive is not among the batch keys
        has = col >= 0
        drop[has.nonzero()[:, 0], col[has]] = True  # the positive is column 0 already
    if c.drop is not None:
        drop |= c.drop[rows]
    extra_pos = None
    if c.near is not None and c.near_mode != 'negative':
        near = c.near.mask(rows) & ~drop
        if c.near_mode == 'exclude':
            drop |= near
        else:
            extra_pos = near
    s_batch = s_batch.masked_fill(drop, float('-inf'))
    s_queue = q @ c.queue.t() / t  # RxL
    if c.queue_drop is not None:
        s_queue = s_queue.masked_fill(c.queue_drop[None], float('-inf'))
    return s_pos, s_batch, s_queue, extra_pos


def _lse_pos(s_pos, s_batch, extra_pos):
    """R: logsumexp over each query's positives."""
    if extra_pos is None:
        return s_pos
    pos_batch = s_batch.masked_fill(~extra_pos, float('-inf'))
    return torch.logsumexp(torch.cat([s_pos[:, None], pos_batch], dim=1), dim=1)


class _Inputs:
    """What every chunk reads (a plain holder, also used as the autograd context's payload).

    The four tensors ``q``, ``pos_keys``, ``keys`` and ``queue`` are set by the Function's forward
    from its (float32) arguments; the rest are neither differentiable nor cast: ``pos_col``,
    ``drop``, ``queue_drop`` are integer / bool and ``near`` holds float32 geometry.
    """

    def __init__(self, pos_col, near, near_mode, drop, queue_drop, temperature):
        self.q = self.pos_keys = self.keys = self.queue = None
        self.pos_col, self.near, self.near_mode = pos_col, near, near_mode
        self.drop, self.queue_drop, self.temperature = drop, queue_drop, temperature


class _ChunkedCellNCE(torch.autograd.Function):
    """The chunked loss, in float32 whatever the autocast state and device (:mod:`.amp`): the
    queries and keys of a half-precision network meet the float32 queue in forward and backward,
    and the log-sum-exps over thousands of negatives keep float32 digits."""

    @staticmethod
    @float32_forward
    def forward(ctx, q, pos_keys, keys, queue, inputs: _Inputs, chunk: int):
        # float32 here (cast by float32_forward); detached copies for the recomputation
        inputs.q, inputs.pos_keys = q.detach(), pos_keys.detach()
        inputs.keys, inputs.queue = keys.detach(), queue.detach()
        m = q.size(0)
        lse_all = q.new_empty(m)
        lse_pos = q.new_empty(m)
        for start in range(0, m, chunk):
            rows = slice(start, start + chunk)
            s_pos, s_batch, s_queue, extra_pos = _chunk_logits(inputs, rows)
            lse_all[rows] = torch.logsumexp(
                torch.cat([s_pos[:, None], s_batch, s_queue], dim=1), dim=1)
            lse_pos[rows] = _lse_pos(s_pos, s_batch, extra_pos)
        ctx.inputs, ctx.chunk = inputs, chunk
        ctx.save_for_backward(lse_all, lse_pos)
        return (lse_all - lse_pos).mean()

    @staticmethod
    @float32_backward
    def backward(ctx, grad_out):
        inputs, chunk = ctx.inputs, ctx.chunk
        lse_all, lse_pos = ctx.saved_tensors
        q, pos_keys, keys, queue = inputs.q, inputs.pos_keys, inputs.keys, inputs.queue
        m = q.size(0)
        scale = grad_out / (m * inputs.temperature)  # d mean / d loss_i, and d s / d (q.k)
        grad_q = torch.zeros_like(q)
        grad_pos_keys = torch.zeros_like(pos_keys) if ctx.needs_input_grad[1] else None
        grad_keys = torch.zeros_like(keys) if ctx.needs_input_grad[2] else None
        for start in range(0, m, chunk):
            rows = slice(start, start + chunk)
            s_pos, s_batch, s_queue, extra_pos = _chunk_logits(inputs, rows)
            a, p = lse_all[rows, None], lse_pos[rows, None]
            # d loss_i / d s_ij = softmax over C_i - softmax over P_i
            g_pos = ((s_pos[:, None] - a).exp() - (s_pos[:, None] - p).exp())[:, 0] * scale  # R
            g_batch = (s_batch - a).exp()  # RxK
            if extra_pos is not None:
                g_batch = g_batch - (s_batch - p).exp().masked_fill(~extra_pos, 0.)
            g_batch = g_batch * scale
            g_queue = (s_queue - a).exp() * scale  # RxL
            grad_q[rows] = g_pos[:, None] * pos_keys[rows] + g_batch @ keys + g_queue @ queue
            if grad_pos_keys is not None:
                grad_pos_keys[rows] = g_pos[:, None] * q[rows]
            if grad_keys is not None:
                grad_keys += g_batch.t() @ q[rows]
        return grad_q, grad_pos_keys, grad_keys, None, None, None


def cell_info_nce(q: torch.Tensor,
                  pos_keys: torch.Tensor,
                  keys: torch.Tensor,
                  queue: Optional[torch.Tensor],
                  temperature: float,
                  pos_col: Optional[torch.Tensor] = None,
                  near: Optional[NearCells] = None,
                  near_mode: str = 'exclude',
                  drop: Optional[torch.Tensor] = None,
                  queue_drop: Optional[torch.Tensor] = None,
                  max_logits: int = 2**24) -> torch.Tensor:
    """Mean InfoNCE of M queries, computed in chunks of queries (exact loss and gradients).

    Args:
        q (torch.Tensor): MxC L2-normalised queries (M > 0).
        pos_keys (torch.Tensor): MxC each query's positive key (column 0 of its logits).
        keys (torch.Tensor): KxC keys of the batch (all key cells, or a sample of them).
        queue (torch.Tensor, optional): LxC extra negatives; no gradient flows into them.
        temperature (float): Softmax temperature.
        pos_col (torch.Tensor, optional): M, the row of ``keys`` that is each query's positive
            (taken out of the batch block, as it is column 0), -1 where it is not among them.
            Defaults to None (no positive among ``keys``).
        near (NearCells, optional): Geometry giving, per query, the batch keys within the positive
            radius. Defaults to None (no key is near).
        near_mode (str): What near keys (other than the positive) are: ``'negative'``,
            ``'exclude'`` or ``'positive'``. Defaults to 'exclude'.
        drop (torch.Tensor, optional): MxK bool, batch keys that are no negatives of a query.
            Defaults to None.
        queue_drop (torch.Tensor, optional): L bool, queue entries that are no negatives.
            Defaults to None.
        max_logits (int): Most logits held at once; the chunk is ``max_logits // (K + L)`` queries
            (at least 1). Defaults to 2**24.

    Returns:
        torch.Tensor: The scalar mean loss.
    """
    assert near_mode in NEAR_MODES, f'near_mode must be one of {NEAR_MODES}, not {near_mode!r}'
    assert q.size(0) > 0, 'no queries: the caller gives an exact 0 instead'
    queue = (q.new_zeros(0, q.size(1)) if queue is None else queue.detach())
    inputs = _Inputs(pos_col, near, near_mode, drop, queue_drop, temperature)
    chunk = max(1, max_logits // (1 + keys.size(0) + queue.size(0)))
    return _ChunkedCellNCE.apply(q, pos_keys, keys, queue, inputs, chunk)
