"""Chunked cell-level InfoNCE: loss and gradients against direct computations (float64)."""
import pytest
import torch
import torch.nn.functional as F

from ssl4dp_mm.models.utils.cell_nce import NearCells, cell_info_nce
from ssl4dp_mm.models.utils.patch_matching import cell_centers, match_cells, near_radius


def problem(m=7, k=11, queue_len=5, c=6, images=3, seed=0):
    """Random normalised queries/keys/queue (float64, with gradients) and a random geometry."""
    g = torch.Generator().manual_seed(seed)

    def unit(*shape):
        return F.normalize(torch.randn(*shape, generator=g, dtype=torch.float64), dim=-1)

    q = unit(m, c).requires_grad_()
    keys = unit(k, c).requires_grad_()
    queue = unit(queue_len, c)
    pos_col = torch.randint(0, k, (m, ), generator=g)
    near = NearCells(
        q_image=torch.randint(0, images, (m, ), generator=g),
        q_xy=torch.rand(m, 2, generator=g) * 4,
        radius=torch.rand(m, generator=g) * 2 + 0.5,
        k_image=torch.randint(0, images, (k, ), generator=g),
        k_xy=torch.rand(k, 2, generator=g) * 4)
    return q, keys, queue, pos_col, near


def direct(q, pos_keys, keys, queue, t, pos_col, near, mode, drop=None, queue_drop=None):
    """One query at a time, the sets written out: mean of lse(C_i) - lse(P_i)."""
    losses = []
    for i in range(q.size(0)):
        pos = [torch.dot(q[i], pos_keys[i]) / t]
        cand = list(pos)
        for j in range(keys.size(0)):
            s = torch.dot(q[i], keys[j]) / t
            if pos_col is not None and j == int(pos_col[i]):
                continue  # the positive is its own column already
            if drop is not None and drop[i, j]:
                continue
            is_near = near is not None and int(near.q_image[i]) == int(near.k_image[j]) and \
                float(((near.q_xy[i] - near.k_xy[j]) ** 2).sum()) < float(near.radius[i]) ** 2
            if is_near and mode == 'exclude':
                continue
            cand.append(s)
            if is_near and mode == 'positive':
                pos.append(s)
        for j in range(queue.size(0)):
            if queue_drop is None or not queue_drop[j]:
                cand.append(torch.dot(q[i], queue[j]) / t)
        losses.append(torch.logsumexp(torch.stack(cand), 0) - torch.logsumexp(torch.stack(pos), 0))
    return torch.stack(losses).mean()


def grads(loss, *tensors):
    return torch.autograd.grad(loss, tensors, retain_graph=True)


@pytest.mark.parametrize('mode', ['negative', 'exclude', 'positive'])
@pytest.mark.parametrize('shape', [(7, 11, 5), (1, 4, 0), (20, 9, 30)])
@pytest.mark.parametrize('max_logits', [1, 50, 2**24])  # one query per chunk, a few, all at once
def test_equals_direct_loss_and_gradients(mode, shape, max_logits):
    m, k, queue_len = shape
    q, keys, queue, pos_col, near = problem(m, k, queue_len)
    pos_keys = keys[pos_col]  # gradients reach keys through the positive and the batch block
    loss = cell_info_nce(q, pos_keys, keys, queue, 0.2, pos_col=pos_col, near=near,
                         near_mode=mode, max_logits=max_logits)
    expected = direct(q, pos_keys, keys, queue, 0.2, pos_col, near, mode)
    torch.testing.assert_close(loss, expected)
    for got, want in zip(grads(loss, q, keys), grads(expected, q, keys)):
        torch.testing.assert_close(got, want)


def test_positive_outside_the_batch_keys_and_explicit_masks():
    """Sampled keys: some positives are not among them (pos_col -1); drop / queue_drop masks."""
    q, keys, queue, pos_col, near = problem(9, 8, 6, seed=1)
    pos_keys = F.normalize(torch.randn(9, 6, dtype=torch.float64), dim=1).requires_grad_()
    pos_col = torch.where(torch.arange(9) % 3 == 0, torch.tensor(-1), pos_col)
    drop = torch.rand(9, 8, generator=torch.Generator().manual_seed(2)) < 0.3
    queue_drop = torch.tensor([True, False, False, True, False, False])
    for mode in ('negative', 'exclude', 'positive'):
        kwargs = dict(pos_col=pos_col, near=near, drop=drop, queue_drop=queue_drop)
        loss = cell_info_nce(q, pos_keys, keys, queue, 0.1, near_mode=mode, max_logits=20,
                             **kwargs)
        expected = direct(q, pos_keys, keys, queue, 0.1, mode=mode, **kwargs)
        torch.testing.assert_close(loss, expected)
        for got, want in zip(grads(loss, q, pos_keys, keys), grads(expected, q, pos_keys, keys)):
            torch.testing.assert_close(got, want)


def test_negative_mode_equals_the_previous_contrastive_head_loss():
    """Before the chunked loss: ``[l_pos | q @ keys.T with the positive -inf | q @ queue.T] / T``
    and cross-entropy with label 0 (MMSelfSup's ContrastiveHead)."""
    q, keys, queue, pos_col, _ = problem(30, 40, 25, c=8, seed=3)
    l_pos = (q * keys[pos_col]).sum(1, keepdim=True)
    l_batch = (q @ keys.t()).scatter(1, pos_col[:, None], float('-inf'))
    logits = torch.cat([l_pos, l_batch, q @ queue.t()], dim=1) / 0.2
    before = F.cross_entropy(logits, torch.zeros(30, dtype=torch.long))
    loss = cell_info_nce(q, keys[pos_col], keys, queue, 0.2, pos_col=pos_col,
                         near_mode='negative', max_logits=100)
    torch.testing.assert_close(loss, before)
    for got, want in zip(grads(loss, q, keys), grads(before, q, keys)):
        torch.testing.assert_close(got, want)


def test_float32_matches_float64():
    q, keys, queue, pos_col, near = problem(50, 60, 70, c=16, seed=4)
    loss64 = cell_info_nce(q, keys[pos_col], keys, queue, 0.2, pos_col=pos_col, near=near,
                           max_logits=500)
    q32, k32 = q.detach().float().requires_grad_(), keys.detach().float()
    loss32 = cell_info_nce(q32, k32[pos_col], k32, queue.float(), 0.2, pos_col=pos_col,
                           near=near, max_logits=500)
    torch.testing.assert_close(loss32.double(), loss64, rtol=1e-5, atol=1e-6)


def test_near_cells_of_a_constructed_geometry():
    """Query 2x2 cells and key 4x4 cells on the same 40x40 box: the query cells are 20 px (diagonal
    28.3, radius 0.7 * 28.3 = 19.8 px), key cells 10 px with centres at 5, 15, 25, 35. From the
    query centre (10, 10) the key centres (row, col) at distance < 19.8 px are the 8 below:
    (0,0), (0,1), (1,0), (1,1) at 7.1 / 11.2 px, (0,2), (1,2), (2,0), (2,1) at 15.8 px;
    (2,2) is 21.2 px away, (0,3) 25.5 px."""
    box = torch.tensor([[0., 0., 40., 40.]])
    radius = near_radius(box, box, (2, 2), (4, 4), 0.7)
    torch.testing.assert_close(radius, torch.tensor([0.7 * (800 ** 0.5)]))
    near = NearCells(torch.zeros(4, dtype=torch.long), cell_centers(box, 2, 2)[0],
                     radius.expand(4), torch.zeros(16, dtype=torch.long),
                     cell_centers(box, 4, 4)[0])
    mask = near.mask(slice(0, 4)).view(4, 4, 4)  # query cell x key row x key col
    expected = torch.zeros(4, 4, dtype=torch.bool)
    for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (1, 2), (2, 0), (2, 1)]:
        expected[r, c] = True
    assert torch.equal(mask[0], expected)
    assert torch.equal(mask[3], expected.flip(0, 1))  # query cell (1, 1): the mirror image
    # the matched cell is among them; another image's cells are never near
    index, valid = match_cells(box, box, (2, 2), (4, 4))
    assert bool(valid.all()) and bool(mask.view(4, 16)[torch.arange(4), index[0]].all())
    other = near._replace(k_image=torch.ones(16, dtype=torch.long))
    assert not other.mask(slice(0, 4)).any()
