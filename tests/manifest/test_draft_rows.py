"""The draft report's rows: each decay's lr curve against its closed form, the composed leaves
against the reference FT-100% leaf, the pre-training epochs and starting points, the commands."""
import json
import math
import os.path as osp
import shlex
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS

from ssl4dp_mm.manifest import (DRAFT_ROWS, SEG_SCHEDULES, compose_pretrain_config,
                                compose_seg_config, draft_commands, draft_row, pretrain_iters)
from ssl4dp_mm.manifest.draft_rows import DRAFT_BACKBONE, DRAFT_HEADS, MOCOV2_CHECKPOINTS
from ssl4dp_mm.paths import CONFIG_ROOT, PROJECT_ROOT


def resolved(cfg: Config) -> dict:
    return json.loads(json.dumps(cfg.to_dict(), sort_keys=True, default=repr))


def lr_curve(cfg: Config, at: list) -> dict:
    """The lr of the optimizer after ``i`` scheduler steps, for each ``i`` of ``at``."""
    model = torch.nn.Linear(1, 1)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=wrapper.optimizer))
                  for s in cfg.param_scheduler]
    out = {}
    for i in range(max(at) + 1):
        if i in at:
            out[i] = wrapper.optimizer.param_groups[0]['lr']
        for s in schedulers:
            s.step()
    return out


CLOSED_FORMS = {
    # lr after t of T iterations, from 0.003 to 3e-4 (MMEngine's linear and poly decays reach their
    # end at the last iteration, t = T - 1; its cosine at t = T)
    'cosine': lambda t, T: 3e-4 + (0.003 - 3e-4) * (1 + math.cos(math.pi * t / T)) / 2,
    'linear': lambda t, T: 0.003 * (1 - 0.9 * t / (T - 1)),
    'step': lambda t, T: 0.003 if t < 20000 else 3e-4,
    'poly': lambda t, T: (0.003 - 3e-4) * (1 - t / (T - 1))**0.9 + 3e-4,
}


@pytest.mark.parametrize('decay', sorted(CLOSED_FORMS))
def test_decay_follows_its_closed_form(decay):
    cfg = Config.fromfile(osp.join(CONFIG_ROOT, '_base_', 'schedules', SEG_SCHEDULES[decay]))
    assert cfg.train_cfg.max_iters == 30000
    at = [0, 1, 7500, 15000, 19999, 20000, 25000, 29999]
    for t, lr in lr_curve(cfg, at).items():
        assert lr == pytest.approx(CLOSED_FORMS[decay](t, 30000), rel=1e-6), (decay, t)


def test_random_init_schedule_is_mmseg_160k_poly():
    cfg = Config.fromfile(osp.join(CONFIG_ROOT, '_base_', 'schedules', SEG_SCHEDULES['poly-160k']))
    assert cfg.train_cfg.max_iters == 160000 and cfg.optim_wrapper.optimizer.lr == 0.01
    for t, lr in lr_curve(cfg, [0, 40000, 80000, 159999]).items():
        assert lr == pytest.approx((0.01 - 1e-4) * (1 - t / 159999)**0.9 + 1e-4, rel=1e-6)


@pytest.mark.parametrize('head', DRAFT_HEADS)
def test_cosine_decay_is_the_reference_leaf_and_others_swap_the_schedule(head):
    static = resolved(compose_seg_config(head, 'ft100', 'voc', DRAFT_BACKBONE))
    assert resolved(compose_seg_config(head, 'ft100', 'voc', DRAFT_BACKBONE, 'cosine')) == static
    for decay in ('linear', 'step', 'poly'):
        got = resolved(compose_seg_config(head, 'ft100', 'voc', DRAFT_BACKBONE, decay))
        differ = {k for k in set(got) | set(static) if got.get(k) != static.get(k)}
        assert differ == {'param_scheduler'}, (head, decay, differ)


def test_decay_refuses_other_protocols_and_unknown_names():
    with pytest.raises(KeyError, match='FT-100% on VOC'):
        compose_seg_config('psp', 'lp', 'voc', DRAFT_BACKBONE, 'poly')
    with pytest.raises(KeyError, match='unknown decay'):
        compose_seg_config('psp', 'ft100', 'voc', DRAFT_BACKBONE, 'exp')


@pytest.mark.parametrize('epochs', [50, 200])
def test_longer_pretraining_stretches_the_schedule(epochs):
    cfg = compose_pretrain_config('plmoco', 'mocofcn', 'voc', epochs)
    ref = compose_pretrain_config('plmoco', 'mocofcn', 'voc')
    assert cfg.train_cfg.max_epochs == epochs
    assert [(s.T_max, s.end) for s in cfg.param_scheduler] == [(epochs, epochs)]
    # everything but the length is the reference row's
    a, b = resolved(cfg), resolved(ref)
    assert {k for k in set(a) | set(b) if a.get(k) != b.get(k)} == {
        'train_cfg', 'param_scheduler', 'max_epochs'}
    assert pretrain_iters('plmoco', 'voc') * epochs // 20 == epochs * (10582 // 16)


def test_start_from_mocov2_200_epochs():
    cfg = compose_pretrain_config('plmoco', 'mocofcn', 'voc', 20, 'mocov2-200e')
    assert cfg.optim_wrapper.paramwise_cfg.init_checkpoint == MOCOV2_CHECKPOINTS['mocov2-200e']
    with pytest.raises(KeyError, match='no pre-training schedule'):
        compose_pretrain_config('plmoco', 'mocofcn', 'voc', 30)


def test_rows_and_their_commands():
    assert len({r.id for r in DRAFT_ROWS}) == len(DRAFT_ROWS)
    assert draft_row('draft/random-160k').decays == ('poly-160k', )
    with pytest.raises(KeyError, match='unknown draft row'):
        draft_row('draft/nothing')
    for row in DRAFT_ROWS:
        commands = draft_commands(row)
        assert commands[-1].startswith('python tools/analysis/results_table.py')
        loop = commands[-2]
        assert f'for decay in {" ".join(row.decays)}' in loop
        assert ('--pretrain' in commands[0]) == (row.pretrain is not None)


def test_reproduce_prints_and_writes_a_draft_leaf(tmp_path):
    out = tmp_path / 'leaf.py'
    cmd = [sys.executable, 'tools/reproduce.py', '--seg', 'psp', 'ft100', 'voc', '--backbone',
           DRAFT_BACKBONE, '--decay', 'step', '--write-config', str(out)]
    res = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert 'seg_ft100-30k_voc_step.py' in res.stdout
    written = Config.fromfile(str(out))
    assert written.param_scheduler[0]['type'] == 'MultiStepLR'
    res = subprocess.run([sys.executable, 'tools/reproduce.py', 'draft/plmoco-mocofcn-50e'],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    first = shlex.split(res.stdout.splitlines()[1])
    assert first[:3] == ['python', 'tools/reproduce.py', '--pretrain']
    assert '--epochs' in first and first[first.index('--epochs') + 1] == '50'
