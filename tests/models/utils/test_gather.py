"""The batch-across-processes helpers: identity on one process; on 2 gloo processes, the rows,
gradients, means and draws of one process holding the whole batch."""
import socket

import torch

from ssl4dp_mm.models.utils.gather import as_global_mean, batch_rand, batch_sizes, gather_rows

ROWS = (3, 1)  # rows of rank 0 and rank 1: unequal on purpose


def whole_batch():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(sum(ROWS), 2, dtype=torch.float64, generator=g)  # 4x2
    w = torch.randn(sum(ROWS), 2, dtype=torch.float64, generator=g)  # weights of a toy loss
    return x, w


def toy_loss(x_all: torch.Tensor, x_own: torch.Tensor, w_own: torch.Tensor) -> torch.Tensor:
    """A loss whose every query (own row) meets every row of the batch, as in-batch negatives."""
    return torch.logsumexp(x_own @ x_all.t(), dim=1).mul(w_own[:, 0]).mean()


def test_one_process_is_the_identity():
    x, w = whole_batch()
    assert batch_sizes(4) == [4]
    out, first = gather_rows(x)
    assert out is x and first == 0
    loss = toy_loss(x, x, w)
    assert as_global_mean(loss, 4) is loss
    torch.manual_seed(3)
    expected = torch.rand(4, 5)
    torch.manual_seed(3)
    assert torch.equal(batch_rand([4], 5), expected)


def _worker(rank, port, out):
    import torch.distributed as dist
    torch.set_num_threads(1)  # a forked child: keep clear of the parent's thread pool
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=2)
    try:
        x, w = whole_batch()
        start = sum(ROWS[:rank])
        own = slice(start, start + ROWS[rank])
        x_own = x[own].clone().requires_grad_()
        sizes = batch_sizes(ROWS[rank])
        x_all, first = gather_rows(x_own, sizes, differentiable=True)
        flags, _ = gather_rows(x_own[:, 0] > 0, sizes)  # bool rows
        loss = as_global_mean(toy_loss(x_all, x_own, w[own]), ROWS[rank])
        loss.backward()
        torch.manual_seed(7)  # the same state in both processes
        draw = batch_rand(sizes, 5)
        torch.save(dict(sizes=sizes, x_all=x_all.detach(), first=first, flags=flags,
                        loss=loss.detach(), grad=x_own.grad, draw=draw), f'{out}_{rank}.pt')
    finally:
        dist.destroy_process_group()


def test_two_processes_are_one_batch(tmp_path):
    import torch.multiprocessing as mp
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    out = str(tmp_path / 'r')
    mp.start_processes(_worker, args=(port, out), nprocs=2, start_method='fork')
    res = [torch.load(f'{out}_{r}.pt', weights_only=True) for r in range(2)]
    x, w = whole_batch()
    # one process, whole batch: the mean over all 4 queries and its gradient
    x1 = x.clone().requires_grad_()
    loss = toy_loss(x1, x1, w)
    loss.backward()
    torch.manual_seed(7)
    draw = torch.rand(4, 5)
    for r in range(2):
        assert res[r]['sizes'] == list(ROWS)
        assert res[r]['first'] == sum(ROWS[:r])
        torch.testing.assert_close(res[r]['x_all'], x, rtol=0, atol=0)
        assert res[r]['flags'].dtype == torch.bool
        assert torch.equal(res[r]['flags'], x[:, 0] > 0)
    # DDP averages the processes' losses and gradients; each row's gradient lives on its owner
    torch.testing.assert_close((res[0]['loss'] + res[1]['loss']) / 2, loss.detach())
    grad = torch.cat([res[0]['grad'], res[1]['grad']]) / 2
    torch.testing.assert_close(grad, x1.grad)
    # unscaled, the mean of the two means (3 and 1 queries) would not be the mean over 4
    means = [toy_loss(x, x[:3], w[:3]), toy_loss(x, x[3:], w[3:])]
    assert abs(float(sum(means) / 2 - loss)) > 1e-3
    # together the processes drew what one process draws for the whole batch
    torch.testing.assert_close(torch.cat([res[0]['draw'], res[1]['draw']]), draw, rtol=0, atol=0)
