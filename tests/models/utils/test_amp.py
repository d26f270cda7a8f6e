"""Float32 islands under autocast: the helpers, the chunked cell loss (a custom autograd Function)
and the queue-facing functions with bfloat16 / float16 inputs against float32 queues, on CPU.

Tolerances: bfloat16 keeps 8 significant bits, a relative rounding error of at most 2^-9 ~ 0.2% per
value. Where a test rounds the inputs to bfloat16 and compares with the float32 computation on the
*same rounded values*, the float32 island gives the float32 result (to float32 precision, or to the
rounding of the gradient itself). Where a one-layer projector runs under autocast and is compared
with its float32 run, its unit outputs move by ~0.2%, a logit ``q.k / 0.2`` by ~0.01 and the loss
(~3.5) by well under 0.5%: the bounds are 0.5% relative (loss) and 0.999 cosine (gradient); the
measured figures are 0.03% and 0.99998.
"""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from ssl4dp_mm.models.utils import (FeatureQueue, cell_info_nce, float32_backward, float32_forward,
                                    in_float32, knn_pull_loss, queue_similarity)
from ssl4dp_mm.models.utils.contrast import image_logits
from tests.models.utils.test_cell_nce import direct, problem

LOSS_RTOL = 5e-3  # one bfloat16 layer vs float32: loss
GRAD_COS = 0.999  # one bfloat16 layer vs float32: gradient direction


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(F.cosine_similarity(a.double().flatten(), b.double().flatten(), dim=0))


def test_in_float32_casts_half_arguments_and_turns_autocast_off():
    seen = {}

    @in_float32
    def record(a, b, c, d=None):
        seen.update(dtypes=(a.dtype, b.dtype, c.dtype, d.dtype),
                    autocast=torch.is_autocast_enabled('cpu'))
        return a @ d.t()

    a = torch.randn(3, 4, dtype=torch.bfloat16)
    d = torch.randn(5, 4, dtype=torch.float16)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = record(a, torch.zeros(2, dtype=torch.float64), torch.arange(3), d=d)
    # half types become float32; float64 and integer tensors stay; autocast is off inside
    assert seen['dtypes'] == (torch.float32, torch.float64, torch.long, torch.float32)
    assert seen['autocast'] is False
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, a.float() @ d.float().t())


class _Project(torch.autograd.Function):
    """y_i = sum_j x_i . o_j (a matmul with a float32 "queue" ``o``), recording the dtypes and the
    autocast state its forward and backward ran with."""
    seen = {}

    @staticmethod
    @float32_forward
    def forward(ctx, x, other):
        _Project.seen['forward'] = (x.dtype, other.dtype, torch.is_autocast_enabled('cpu'))
        ctx.save_for_backward(other)
        return (x @ other.t()).sum(1)  # N

    @staticmethod
    @float32_backward
    def backward(ctx, grad):
        other, = ctx.saved_tensors
        _Project.seen['backward'] = (grad.dtype, other.dtype, torch.is_autocast_enabled('cpu'))
        return grad[:, None] * other.sum(0)[None], None  # NxC


@pytest.mark.parametrize('backward_inside', [False, True])
def test_function_decorators_run_forward_and_backward_in_float32_on_cpu(backward_inside):
    """torch.amp.custom_fwd(device_type='cuda') alone would do nothing here (CPU autocast), and
    the backward would meet bfloat16 and float32 operands."""
    x = torch.randn(3, 4, dtype=torch.bfloat16, requires_grad=True)
    other = torch.randn(5, 4)  # float32, like a queue
    with torch.autocast('cpu', dtype=torch.bfloat16):
        y = _Project.apply(x, other)
        if backward_inside:
            y.sum().backward()
    if not backward_inside:
        y.sum().backward()
    assert _Project.seen['forward'] == (torch.float32, torch.float32, False)
    assert _Project.seen['backward'] == (torch.float32, torch.float32, False)
    assert y.dtype == torch.float32
    torch.testing.assert_close(y, (x.detach().float() @ other.t()).sum(1))
    assert x.grad.dtype == torch.bfloat16  # autograd casts the gradient to the input's dtype
    torch.testing.assert_close(x.grad, other.sum(0).expand(3, 4).bfloat16(), rtol=0, atol=0)


def _cell_problem(mode, seed=0):
    """float32 queries, keys and queue; the geometry and positive columns of ``problem``."""
    q, keys, queue, pos_col, near = problem(16, 12, 24, c=8, seed=seed)
    q, keys, queue = q.detach().float(), keys.detach().float(), queue.float()
    near = near._replace(q_xy=near.q_xy.float(), radius=near.radius.float(),
                         k_xy=near.k_xy.float())
    drop = torch.rand(16, 12, generator=torch.Generator().manual_seed(seed)) < 0.2
    return q, keys, queue, dict(pos_col=pos_col, near=near, near_mode=mode, drop=drop,
                                queue_drop=torch.arange(24) % 5 == 0)


def _cell_loss(q, keys, queue, kwargs, max_logits=2**24):
    return cell_info_nce(q, keys[kwargs['pos_col']], keys, queue, 0.2, max_logits=max_logits,
                         **kwargs)


@pytest.mark.parametrize('mode', ['negative', 'exclude', 'positive'])
@pytest.mark.parametrize('half', [torch.bfloat16, torch.float16])
def test_cell_nce_half_inputs_against_a_float32_queue(mode, half):
    """Half queries and keys, float32 queue, outside autocast (the case autocast does not cover):
    forward and backward run, in float32 on the rounded values, and agree with the direct
    (non-chunked) loss."""
    q32, keys32, queue, kwargs = _cell_problem(mode)
    q = q32.to(half).requires_grad_()
    keys = keys32.to(half).requires_grad_()
    loss = _cell_loss(q, keys, queue, kwargs, max_logits=64)  # a few queries per chunk
    loss.backward()
    assert loss.dtype == torch.float32
    assert q.grad.dtype == half and keys.grad.dtype == half

    # the same rounded values in float32: the float32 island gives the float32 result exactly
    q_r, keys_r = q.detach().float().requires_grad_(), keys.detach().float().requires_grad_()
    want = _cell_loss(q_r, keys_r, queue, kwargs, max_logits=64)
    want.backward()
    torch.testing.assert_close(loss, want, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(q.grad, q_r.grad.to(half), rtol=0, atol=0)
    # keys get two contributions (the positives through keys[pos_col], the batch block) that are
    # rounded to the half dtype and added there: a few roundings of bfloat16 (2^-8 relative each)
    tol = 2.**-6 * float(keys_r.grad.abs().max())
    torch.testing.assert_close(keys.grad.float(), keys_r.grad, rtol=0, atol=tol)

    # the direct loss, one query at a time in float64, on the same rounded values
    q_d, keys_d = q_r.detach().double().requires_grad_(), keys_r.detach().double().requires_grad_()
    ref = direct(q_d, keys_d[kwargs['pos_col']], keys_d, queue.double(), 0.2, kwargs['pos_col'],
                 kwargs['near'], mode, kwargs['drop'], kwargs['queue_drop'])
    ref.backward()
    torch.testing.assert_close(loss.double(), ref, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(q_r.grad.double(), q_d.grad, rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(keys_r.grad.double(), keys_d.grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('backward_inside', [False, True])
def test_cell_nce_under_cpu_autocast_matches_float32(backward_inside):
    """A tiny projector under torch.autocast('cpu', bfloat16) feeding the chunked loss with a
    float32 queue: forward and backward run, and the loss and the projector's gradient stay within
    the bfloat16 bounds of the float32 run from the same weights."""
    torch.manual_seed(0)
    proj = nn.Linear(8, 8)
    x = torch.randn(16, 8)
    q0, keys32, queue, kwargs = _cell_problem('positive', seed=3)
    results = {}
    for amp in (False, True):
        proj.zero_grad()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=amp):
            q = F.normalize(proj(x), dim=1)  # MxC, bfloat16 under autocast
            loss = _cell_loss(q, keys32, queue, kwargs, max_logits=100)
            if backward_inside:
                loss.backward()
        if not backward_inside:
            loss.backward()
        assert (q.dtype == torch.bfloat16) == amp
        results[amp] = (float(loss.detach()), proj.weight.grad.clone())
    (loss32, grad32), (loss16, grad16) = results[False], results[True]
    assert abs(loss16 - loss32) <= LOSS_RTOL * abs(loss32)
    assert cosine(grad16, grad32) >= GRAD_COS


def test_image_logits_knn_and_queue_with_half_queries():
    """Half queries (outside autocast) against float32 queues: float32 logits equal to the float32
    computation on the rounded values; a bfloat16 key is stored as float32 in the queue."""
    g = torch.Generator().manual_seed(0)
    q = F.normalize(torch.randn(4, 8, generator=g), dim=1).bfloat16().requires_grad_()
    k = F.normalize(torch.randn(4, 8, generator=g), dim=1).bfloat16()
    queue = FeatureQueue(16, 8)
    l_pos, l_neg = image_logits(q, k, queue.feats)
    assert l_pos.dtype == l_neg.dtype == torch.float32
    torch.testing.assert_close(l_neg, q.detach().float() @ queue.feats.t())
    torch.testing.assert_close(l_pos[:, 0], (q.detach().float() * k.float()).sum(1))

    sim = queue_similarity(q, queue.feats)
    assert sim.dtype == torch.float32 and not sim.requires_grad
    index = sim.topk(3, dim=1).indices
    loss = knn_pull_loss(l_neg, index, 0.2)
    loss.backward()
    assert loss.dtype == torch.float32 and q.grad.dtype == torch.bfloat16
    want = -F.log_softmax(l_neg.detach() / 0.2, dim=1).gather(1, index).mean()
    torch.testing.assert_close(loss.detach(), want)

    queue.enqueue(k)
    assert queue.feats.dtype == torch.float32
    torch.testing.assert_close(queue.feats[:4], k.float(), rtol=0, atol=0)
