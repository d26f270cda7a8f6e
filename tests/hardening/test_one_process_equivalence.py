"""N processes = one process: 2 gloo processes at batch B/2 give the loss, gradients and buffers of
1 process at batch B, for the methods whose negatives or means span the batch.

Each case builds the same tiny model (the config's, in float64) and the same batch of B = 4 images.
One process computes the loss of the whole batch and its gradients. Two forked gloo processes each
compute the loss of their half (rank 0: images 0-1, rank 1: images 2-3), backpropagate, and average
loss and gradients over the processes as DDP does; then they must match the one process, and so
must every buffer (queues after their enqueue, running BatchNorm statistics of the online and the
momentum / target networks). In one process the same model on each half alone gives another loss:
the gathered negatives are what makes them equal.

BatchNorm: torch's SyncBatchNorm refuses CPU tensors, so the processes swap every BatchNorm (of
the online network and of its momentum / target copy, as mmengine's Runner converts them after the
model is built) for :class:`GlooSyncBatchNorm`, a small differentiable sync-BN written here (batch
sums all-reduced with ``torch.distributed.nn``). What remains for a GPU: torch's SyncBatchNorm
itself (``sync_bn='torch'`` through the Runner, NCCL); its conversion is checked on CPU in
``test_sync_bn_config.py``.

Random draws: every process seeds torch's generator alike before the loss (mmengine does with
``randomness.diff_rank_seed=False``, the default). The cells a method draws (PLMoCo's enqueued
cells and ``num_batch_negatives`` sample, P2Vec's masked cells, the key batch's shuffle) are drawn
for the whole batch and each process keeps its rows (``ssl4dp_mm.models.utils.gather``), so the
two processes draw exactly what the one process draws: the comparison needs no test-only sampling.
"""
import socket

import pytest
import torch
import torch.distributed as dist
import torch.nn as nn
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from tests.conftest import load_config

WORLD, BATCH, SIZE = 2, 4, 32
# views of the 4 images (coord_box, original-image px): different overlaps, so the processes hold
# different numbers of matched cells (the mean must still be over all of them)
BOXES = [[[0, 0, 60, 60], [20, 10, 90, 80]], [[50, 0, 0, 50], [10, 10, 40, 40]],
         [[0, 0, 40, 40], [30, 30, 70, 70]], [[10, 10, 50, 50], [10, 10, 50, 50]]]
CFGS = dict(plmoco='plmoco/plmoco', plmoco_sampled='plmoco/plmoco', rlmoco='rlmoco/rlmoco',
            detcons='detcon/detcons', detconb='detcon/detconb', p2vec='p2vec/p2vec',
            prcl='prcl/prcl', plsiam='plsiam/plsiam')  # the w/dec (MoCoFCN) config of each case
CASES = tuple(CFGS)


class _AllReduceSum(torch.autograd.Function):
    """Sum over the processes; the backward sums the processes' gradients alike."""

    @staticmethod
    def forward(ctx, x):
        x = x.clone()
        dist.all_reduce(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        dist.all_reduce(grad)
        return grad


class GlooSyncBatchNorm(nn.modules.batchnorm._BatchNorm):
    """Test-only SyncBatchNorm for any backend: the batch mean and variance over every process.

    Per-channel sums of x and x^2 and the count are summed over the processes (differentiably:
    the backward sums every process's gradient), then normalised as ``F.batch_norm`` does in
    training (biased variance);
    running statistics take the unbiased variance of the whole batch, as torch's BatchNorm does.
    """

    def _check_input_dim(self, x):
        if x.dim() < 2:
            raise ValueError(f'expected at least 2-D input, got {x.dim()}-D')

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        c = x.size(1)
        dims = [0] + list(range(2, x.dim()))
        count = x.new_tensor([x.numel() // c])
        stats = _AllReduceSum.apply(torch.cat([x.sum(dims), (x * x).sum(dims), count]))  # 2C+1
        total = stats[-1]
        mean = stats[:c] / total  # C
        var = stats[c:2 * c] / total - mean * mean  # C, biased
        with torch.no_grad():
            self.num_batches_tracked += 1
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            self.running_var.mul_(1 - self.momentum).add_(
                self.momentum * var * total / (total - 1))
        shape = [1, c] + [1] * (x.dim() - 2)
        y = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        return y * self.weight.view(shape) + self.bias.view(shape)


def to_gloo_sync_bn(module: nn.Module) -> nn.Module:
    """Every BatchNorm of ``module`` (and its submodules) -> :class:`GlooSyncBatchNorm` holding the
    same parameter and buffer objects, as mmengine's ``convert_sync_batchnorm`` converts (a momentum
    encoder's EMA keeps references to its parameters: new ones would be left out of its updates)."""
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        assert module.affine and module.track_running_stats
        sync = GlooSyncBatchNorm(module.num_features, module.eps, module.momentum)
        sync.weight, sync.bias = module.weight, module.bias
        sync.running_mean, sync.running_var = module.running_mean, module.running_var
        sync.num_batches_tracked = module.num_batches_tracked
        return sync
    for name, child in module.named_children():
        module.add_module(name, to_gloo_sync_bn(child))
    return module


def build(case: str) -> nn.Module:
    """The config's model of ``case``, narrowed (ResNet-18 of 8 base channels, 16-channel decoder,
    8-dim projections) and in float64; seeded, so every process builds the same weights."""
    torch.manual_seed(0)
    init_default_scope('mmselfsup')
    cfg = load_config(f'selfsup/{CFGS[case]}_r18-d8-mocofcn_1xb8-300i_toyscenes.py').model
    cfg.backbone.update(stem_channels=16, base_channels=8)  # last stage: 64 channels
    cfg.decoder.update(in_channels=64, channels=16)
    cfg.neck.update(in_channels=16, hid_channels=16, out_channels=8)
    for key, in_channels in (('predictor', 8), ('word_neck', 64)):
        if key in cfg:
            cfg[key].update(in_channels=in_channels, hid_channels=16, out_channels=8)
    if 'predictor' in cfg.get('head', {}):  # PLSiam's predictor sits in its head
        cfg.head.predictor.update(in_channels=8, hid_channels=16, out_channels=8)
    if 'queue_len' in cfg:
        cfg.update(queue_len=48, feat_dim=8)
    if case == 'plmoco_sampled':
        cfg.num_batch_negatives = 40  # of the 4 x 16 key cells of the whole batch
    return MODELS.build(cfg).double()


def make_batch(case: str):
    """The whole batch: views (list of Bx3xHxW) and data samples."""
    g = torch.Generator().manual_seed(1)
    views = [torch.randn(BATCH, 3, SIZE, SIZE, generator=g, dtype=torch.float64)
             for _ in range(2)]
    samples = []
    for i in range(BATCH):
        s = SelfSupDataSample()
        s.set_field(torch.tensor(BOXES[i], dtype=torch.float32), 'coord_box')
        cells = torch.randint(0, 4, (2, SIZE // 8, SIZE // 8), generator=g)  # 4x4 cells of 8 px
        s.set_field(cells.repeat_interleave(8, 1).repeat_interleave(8, 2), 'masks')
        s.set_field(torch.randint(0, 5, (1, 4), generator=g).repeat(2, 1), 'mask_ids')
        samples.append(s)
    return views, samples


def step(case: str, images: slice, sync_bn: bool = False) -> dict:
    """Loss, gradients and buffers after one loss + backward on ``images`` of the batch."""
    model = build(case)
    if sync_bn:
        to_gloo_sync_bn(model)
    model.train()
    views, samples = make_batch(case)
    views, samples = [v[images] for v in views], samples[images]
    torch.manual_seed(2)  # the same generator state in every process
    loss = model.loss(views, samples)['loss']
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    buffers = {n: b.clone() for n, b in model.named_buffers()}
    return dict(loss=loss.detach(), grads=grads, buffers=buffers)


def _worker(rank: int, port: int, out: str) -> None:
    torch.set_num_threads(1)  # a forked child: keep clear of the parent's thread pool
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=WORLD)
    try:
        half = BATCH // WORLD
        results = {}
        for case in CASES:
            res = step(case, slice(rank * half, (rank + 1) * half), sync_bn=True)
            for value in [res['loss'], *res['grads'].values()]:  # as DDP averages
                dist.all_reduce(value)
                value /= WORLD
            results[case] = res
        torch.save(results, f'{out}_{rank}.pt')
    finally:
        dist.destroy_process_group()


@pytest.fixture(scope='module')
def two_processes(tmp_path_factory):
    import torch.multiprocessing as mp
    out = str(tmp_path_factory.mktemp('two_processes') / 'rank')
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    mp.start_processes(_worker, args=(port, out), nprocs=WORLD, start_method='fork')
    results = [torch.load(f'{out}_{r}.pt', weights_only=True) for r in range(WORLD)]
    for case in CASES:  # the processes hold the same buffers (queues, running statistics)
        for name, value in results[0][case]['buffers'].items():
            torch.testing.assert_close(results[1][case]['buffers'][name], value, rtol=0, atol=0)
    return results[0]


@pytest.mark.parametrize('case', CASES)
def test_two_processes_equal_one(case, two_processes):
    two = two_processes[case]
    one = step(case, slice(None))
    close = dict(rtol=1e-7, atol=1e-10)  # float64: summation order differs across processes
    torch.testing.assert_close(two['loss'], one['loss'], **close)
    for kind in ('grads', 'buffers'):
        assert two[kind].keys() == one[kind].keys()
        for name, value in one[kind].items():
            torch.testing.assert_close(two[kind][name], value, **close,
                                       msg=lambda m, name=name: f'{name}: {m}')
    # each half alone (its own BatchNorm statistics, negatives and mean): another loss
    halves = [step(case, slice(h * 2, h * 2 + 2))['loss'] for h in range(WORLD)]
    assert abs(float(sum(halves) / WORLD - one['loss'])) > 1e-4
