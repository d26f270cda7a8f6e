"""A run killed mid-way (SIGKILL) and resumed with ``--resume`` ends bit-identical to one that ran
through, in deterministic mode.

Two runs start together from the same config: one goes to the end, the other is killed by
``KillAtIterHook`` when iteration ``kill_at`` is about to start (its last checkpoint is older, so
one iteration of work is lost). ``tools/train.py --resume`` then continues the killed one from its
last checkpoint. The final checkpoints must agree in every model tensor (the momentum encoder and
the negatives queue included), the optimizer state and the logged losses.

- pre-training (PLMoCo w/dec, no validation): 8 images, batch 2, so the resumed part crosses an
  epoch of the sampler;
- segmentation fine-tuning (MoCoFCN, dropout in the head): a validation between the checkpoint
  and the next iteration draws from torch's generator in the run that went through, not in the
  resumed one; ``RNGStateHook`` makes validation neutral.

What makes it exact is ``RNGStateHook`` (in both runtime bases): mmengine restores the model,
optimizer, schedulers and message hub and replays the sampler, but re-seeds the generators.
"""
import os
import os.path as osp
import signal
import subprocess

import pytest
import torch
from mmengine.config import Config

from ssl4dp_mm.checkpoints import load_checkpoint_file
from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
from tests.conftest import ROOT, config_path

CASES = {
    'plmoco': dict(
        base=('selfsup', 'plmoco', 'plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'),
        extra="""
model = dict(queue_len=64)
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        dataset=dict(data_root={data_root!r}))
""",
        max_iters=6, interval=3, kill_at=4),
    'mocofcn_ft': dict(
        base=('seg', 'mocofcn', 'mocofcn_r18-d8_ft100-300i_toyscenes.py'),
        extra="""
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        dataset=dict(data_root={data_root!r}))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(data_root={data_root!r}))
test_dataloader = val_dataloader
""",
        max_iters=4, interval=2, kill_at=3),
}

COMMON = """
_base_ = {base!r}
custom_imports = dict(imports=['ssl4dp_mm', 'tests.hardening.fault_hooks'],
                      allow_failed_imports=False)
train_cfg = dict(max_iters={max_iters}, val_interval={interval})  # validation: seg only
param_scheduler = [dict(type='CosineAnnealingLR', T_max={max_iters}, eta_min=1e-4, by_epoch=False,
                        begin=0, end={max_iters})]
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(interval={interval}, max_keep_ckpts=3))
randomness = dict(seed=0, deterministic=True)
log_level = 'WARNING'
"""

KILLED = """
_base_ = './run.py'
custom_hooks = [dict(type='RNGStateHook'), dict(type='KillAtIterHook', at_iter={kill_at})]
"""


def _train(cfg_file, work_dir, *extra):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    return subprocess.Popen(
        ['python', osp.join(ROOT, 'tools', 'train.py'), str(cfg_file), '--work-dir',
         str(work_dir), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(proc):
    out, _ = proc.communicate(timeout=600)
    return proc.returncode, out


@pytest.mark.parametrize('case', sorted(CASES))
def test_killed_and_resumed_equals_uninterrupted(case, tmp_path):
    spec = CASES[case]
    data_root = make_toy_scenes(str(tmp_path / 'toy'), {'train': 8, 'val': 2}, seed=0)
    fmt = dict(spec, base=config_path(*spec['base']), data_root=data_root)
    (tmp_path / 'run.py').write_text(COMMON.format(**fmt) + spec['extra'].format(**fmt))
    (tmp_path / 'killed.py').write_text(KILLED.format(**fmt))
    assert Config.fromfile(str(tmp_path / 'run.py')).custom_hooks == [dict(type='RNGStateHook')]

    full, killed = tmp_path / 'full', tmp_path / 'killed'
    procs = [_train(tmp_path / 'run.py', full), _train(tmp_path / 'killed.py', killed)]
    (rc_full, out_full), (rc_killed, out_killed) = [_finish(p) for p in procs]
    assert rc_full == 0, out_full[-4000:]
    assert rc_killed == -signal.SIGKILL, out_killed[-4000:]

    # what the kill left: the last checkpoint before it, complete, and no temporary file
    interval, max_iters = spec['interval'], spec['max_iters']
    last = (spec['kill_at'] // interval) * interval
    assert open(killed / 'last_checkpoint').read().strip() == str(killed / f'iter_{last}.pth')
    assert load_checkpoint_file(str(killed / f'iter_{last}.pth'))['meta']['iter'] == last
    assert not [n for n in os.listdir(killed) if n.endswith('.tmp')]
    assert not osp.exists(killed / f'iter_{max_iters}.pth')

    rc, out = _finish(_train(tmp_path / 'run.py', killed, '--resume'))
    assert rc == 0, out[-4000:]

    a = load_checkpoint_file(str(full / f'iter_{max_iters}.pth'))
    b = load_checkpoint_file(str(killed / f'iter_{max_iters}.pth'))
    assert a['meta']['iter'] == b['meta']['iter'] == max_iters
    assert a['state_dict'].keys() == b['state_dict'].keys()
    sa, sb = a['state_dict'], b['state_dict']
    differing = [k for k in sa if not torch.equal(sa[k], sb[k])]
    assert differing == [], f'{len(differing)} tensors differ, e.g. {differing[:5]}'
    opt_a, opt_b = a['optimizer']['state'], b['optimizer']['state']
    assert opt_a.keys() == opt_b.keys()
    for i in opt_a:
        assert torch.equal(opt_a[i]['momentum_buffer'], opt_b[i]['momentum_buffer'])
    losses_a = a['message_hub']['log_scalars']['train/loss'].data[0]
    losses_b = b['message_hub']['log_scalars']['train/loss'].data[0]
    assert len(losses_a) == max_iters and losses_a.tolist() == losses_b.tolist()
    if case == 'plmoco':  # the queue is part of the model's state: compared above, and it moved
        assert int(b['state_dict']['queue.ptr']) == max_iters * 2 * 16 % 64


def test_rng_states_round_trip_through_a_checkpoint(tmp_path):
    """What RNGStateHook saves, loaded back with weights_only=True, replays the same draws."""
    import random

    import numpy as np

    from ssl4dp_mm.checkpoints import save_checkpoint_atomic
    from ssl4dp_mm.engine.hooks import get_rng_states, set_rng_states

    def draw():
        return (random.random(), np.random.rand(3).tolist(), np.random.randn(), torch.rand(3),
                torch.randperm(10))

    np.random.randn()  # leaves a cached Gaussian in NumPy's state
    path = str(tmp_path / 'states.pth')
    save_checkpoint_atomic(dict(rng_states=[get_rng_states()]), path)
    first = draw()
    draw()
    set_rng_states(load_checkpoint_file(path)['rng_states'][0])
    again = draw()
    assert first[:3] == again[:3]
    assert torch.equal(first[3], again[3]) and torch.equal(first[4], again[4])
