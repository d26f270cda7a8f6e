"""PLMoCo w/dec under torch.distributed (gloo, 2 CPU processes) through tools/dist_train.sh.

Each rank dumps its state (RankStateDumpHook): the model and the negatives queue before training,
after iteration 0 (with that rank's batch and loss) and after 3 iterations. Checked:

- the ranks hold bit-identical parameters and buffers (queue included) before and after training,
  and the queue holds the key cells of *both* ranks' images, in rank order (so it was gathered);
- the sampler split the global batch as DefaultSampler's seeded permutation says;
- N processes = one process: the mean of the ranks' losses equals, to float precision, the loss
  that one process computes for the whole global batch (rank 0's images, then rank 1's) with the
  same initial weights (rebuilt by a single-process Runner): PLMoCo gathers the key cells of every
  process as in-batch negatives and averages over the queries of every process. A rank's loss is
  not the loss of its half alone (that one has only its own images' key cells as negatives).

GroupNorm replaces BatchNorm here so that a sample's features do not depend on which images share
its batch: SyncBN, which makes BatchNorm equal too, needs GPUs (torch refuses it on CPU tensors, and
tools/train.py drops the configs' ``sync_bn`` on CPU processes). The same equality with a
differentiable sync-BN, gradients included, is in ``test_one_process_equivalence.py``.
"""
import os
import os.path as osp
import socket
import subprocess

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmselfsup.structures import SelfSupDataSample

from ssl4dp_mm.checkpoints import load_checkpoint_file
from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
from tests._helpers.rank_dump import tensor_digest
from tests.conftest import ROOT, config_path

QUEUE_LEN, CELLS, BATCH, ITERS, WORLD = 128, 16, 2, 3, 2

CONFIG = """
_base_ = {base!r}
gn = dict(type='GN', num_groups=8, requires_grad=True)
model = dict(queue_len={queue_len}, enqueue_cells={cells}, backbone=dict(norm_cfg=gn),
             decoder=dict(norm_cfg=gn))
train_dataloader = dict(batch_size={batch}, num_workers=0, persistent_workers=False,
                        dataset=dict(data_root={data_root!r}))
train_cfg = dict(max_iters={iters})
param_scheduler = []
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval={iters}))
custom_imports = dict(imports=['ssl4dp_mm', 'tests._helpers.rank_dump'],
                      allow_failed_imports=False)
custom_hooks = [dict(type='RankStateDumpHook', iters=[0])]
log_level = 'WARNING'
"""


def test_tensor_digest_sees_one_ulp():
    x = torch.randn(5, 3)
    assert tensor_digest(x) == tensor_digest(x.clone())
    y = x.clone()
    y[2, 1] = torch.nextafter(y[2, 1], torch.tensor(float('inf')))
    assert tensor_digest(y) != tensor_digest(x)
    assert tensor_digest(x.view(3, 5)) != tensor_digest(x)  # shape is part of it
    assert tensor_digest(x.double()) != tensor_digest(x)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def ddp_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('ddp')
    data_root = make_toy_scenes(str(tmp / 'toy'), {'train': 16, 'val': 2}, seed=0)
    cfg_file = tmp / 'plmoco_ddp.py'
    cfg_file.write_text(CONFIG.format(
        base=config_path('selfsup', 'plmoco', 'plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'),
        queue_len=QUEUE_LEN, cells=CELLS, batch=BATCH, data_root=data_root, iters=ITERS))
    work_dir = tmp / 'work'
    env = dict(os.environ, PORT=str(free_port()), OMP_NUM_THREADS='1',
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'), str(cfg_file), str(WORLD),
         '--work-dir', str(work_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    dumps = {(tag, r): load_checkpoint_file(str(work_dir / 'rank_dumps' / f'{tag}_rank{r}.pth'))
             for tag in ('init', 'iter0', 'final') for r in range(WORLD)}
    return dict(cfg_file=str(cfg_file), data_root=data_root, dumps=dumps, tmp=tmp)


def test_ranks_stay_identical(ddp_run):
    dumps = ddp_run['dumps']
    for tag in ('init', 'iter0', 'final'):
        assert dumps[(tag, 0)]['world_size'] == WORLD
        d0, d1 = dumps[(tag, 0)]['digests'], dumps[(tag, 1)]['digests']
        assert d0.keys() == d1.keys()
        differing = [k for k in d0 if d0[k] != d1[k]]
        assert differing == [], f'{tag}: ranks differ in {differing[:5]}'
        for key in ('queue.feats', 'queue.ptr'):
            assert torch.equal(dumps[(tag, 0)]['buffers'][key], dumps[(tag, 1)]['buffers'][key])
    # every step enqueues CELLS cells of each of the WORLD*BATCH images
    assert int(dumps[('iter0', 0)]['buffers']['queue.ptr']) == WORLD * BATCH * CELLS
    assert int(dumps[('final', 0)]['buffers']['queue.ptr']) == \
        ITERS * WORLD * BATCH * CELLS % QUEUE_LEN
    # the weights moved (the comparison above is not between two untouched copies)
    assert dumps[('final', 0)]['digests']['backbone.stem.0.weight'] != \
        dumps[('init', 0)]['digests']['backbone.stem.0.weight']


def test_sampler_splits_the_global_batch(ddp_run):
    """DefaultSampler: one seeded permutation, rank r takes positions r, r + WORLD, ..."""
    images = sorted(os.listdir(osp.join(ddp_run['data_root'], 'img_dir', 'train')))
    perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(0)).tolist()
    for r in range(WORLD):
        expected = [images[i] for i in perm[r::WORLD][:BATCH]]
        got = [osp.basename(p) for p in ddp_run['dumps'][('iter0', r)]['img_path']]
        assert got == expected


@pytest.fixture(scope='module')
def reference(ddp_run):
    """A single-process Runner on the same config, stopped before its first iteration."""
    cfg = Config.fromfile(ddp_run['cfg_file'])
    cfg.work_dir = str(ddp_run['tmp'] / 'reference')
    cfg.train_cfg.max_iters = 0
    runner = Runner.from_cfg(cfg)
    runner.train()  # weight init exactly as in the DDP run (same seed, same draws)
    init = load_checkpoint_file(osp.join(cfg.work_dir, 'rank_dumps', 'init_rank0.pth'))
    assert init['world_size'] == 1
    assert init['digests'] == ddp_run['dumps'][('init', 0)]['digests'], \
        'the single-process Runner did not initialise the same weights'
    return runner.model


def _batch(model, records):
    inputs = [torch.cat([r['inputs'][v] for r in records]) for v in range(2)]
    samples = []
    for box in torch.cat([r['coord_box'] for r in records]):
        sample = SelfSupDataSample()
        sample.set_field(box, 'coord_box')
        samples.append(sample)
    return model.data_preprocessor(dict(inputs=inputs, data_samples=samples), training=True)


def _loss(model, records, queue0):
    with torch.no_grad():
        model.queue.feats.copy_(queue0)
        model.queue.ptr.zero_()
        inputs, samples = _batch(model, records)
        out = model(inputs, samples, mode='loss')
    return float(out['loss']), int(out['num_pos'])


def test_loss_matches_single_process(ddp_run, reference):
    dumps, model = ddp_run['dumps'], reference
    queue0 = dumps[('init', 0)]['buffers']['queue.feats']
    rank_losses, rank_pos, half_losses = [], [], []
    for r in range(WORLD):
        rec = dumps[('iter0', r)]
        loss, num_pos = _loss(model, [rec], queue0)  # the rank's half alone, in one process
        assert num_pos == rec['outputs']['num_pos'] > 0
        rank_losses.append(rec['outputs']['loss'])
        rank_pos.append(num_pos)
        half_losses.append(loss)
    full, full_pos = _loss(model, [dumps[('iter0', r)] for r in range(WORLD)], queue0)
    assert full_pos == sum(rank_pos)
    # same images, weights and queue; only the summation order of a few kernels (1 thread per
    # process under torchrun, 2 here) may differ, at float32 precision
    assert sum(rank_losses) / WORLD == pytest.approx(full, rel=1e-5)
    # a half alone has fewer negatives per query (2 images' key cells instead of 4)
    per_query_mean = sum(loss * n for loss, n in zip(half_losses, rank_pos)) / full_pos
    assert full > per_query_mean
    print(f'\nDDP {WORLD}x{BATCH}: rank losses {rank_losses} (mean '
          f'{sum(rank_losses) / WORLD:.4f}); one process, global batch {WORLD * BATCH}: '
          f'{full:.4f}; halves alone: {half_losses}')


def test_queue_holds_both_ranks_cells(ddp_run, reference):
    """After iteration 0 the queue's first entries are the picked key cells of rank 0's images,
    then rank 1's, each a cell of the image it belongs to (not of the other images)."""
    dumps, model = ddp_run['dumps'], reference
    queue = dumps[('iter0', 0)]['buffers']['queue.feats']
    with torch.no_grad():
        for r in range(WORLD):
            inputs, _ = _batch(model, [dumps[('iter0', r)]])
            # at step 0 the momentum encoder is a copy of the initial online weights
            cells = model.project(inputs[1], model.encoder_k.module).flatten(2).transpose(1, 2)
            for j in range(BATCH):
                start = (r * BATCH + j) * CELLS
                rows = queue[start:start + CELLS]  # CELLSxC
                own = (rows[:, None] - cells[j][None]).abs().amax(-1).amin(1)
                assert own.max() < 1e-4, (r, j, own.max())
                for other in range(BATCH):
                    if other != j:
                        dist = (rows[:, None] - cells[other][None]).abs().amax(-1).amin(1)
                        assert dist.min() > 1e-3
