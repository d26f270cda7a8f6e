"""MMSelfSup's own algorithms on our backbone and toy data: each trains and converts to MMSeg."""
import glob
import math
import os.path as osp

import pytest
import torch
from mmengine.registry import DefaultScope
from mmseg.registry import MODELS as SEG_MODELS

from ssl4dp_mm.checkpoints.convert import check_fits, to_seg_state_dict
from tests.conftest import config_path, load_config, train_few_iters

# the toy-scene baselines; the ResNet-50 reference baselines (VOC aug / Cityscapes layouts,
# continued from a MoCo v2 checkpoint) run end to end in tests/reference
EXPECTED = {'mocov1', 'mocov2', 'simsiam', 'byol', 'simclr', 'densecl'}
# one folder per method, configs/selfsup/<method>/
BASELINES = sorted(
    osp.relpath(p, config_path()) for m in EXPECTED
    for p in glob.glob(config_path('selfsup', m, '*_toyscenes.py')))
SEG_CFG = 'seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py'


def test_every_baseline_is_there():
    assert {osp.basename(p).split('_')[0] for p in BASELINES} == EXPECTED
    assert len(BASELINES) == len(EXPECTED)  # one toy config each


@pytest.fixture(scope='module')
def seg_state():
    cfg = load_config(SEG_CFG)
    with DefaultScope.overwrite_default_scope('mmseg'):
        return SEG_MODELS.build(cfg.model).state_dict()


@pytest.mark.parametrize('rel_path', BASELINES)
def test_baseline_trains_and_converts(toy_root, tmp_path, seg_state, rel_path):
    cfg = load_config(rel_path, toy_root)
    assert cfg.model.type.startswith('mmselfsup.')  # MMSelfSup's class, not a copy
    assert tuple(cfg.model.backbone.out_indices) == (3, )
    runner = train_few_iters(cfg, tmp_path)
    model = runner.model
    assert type(model).__module__.startswith('mmselfsup.models.algorithms')
    assert math.isfinite(runner.message_hub.get_scalar('train/loss').current())
    key = 'backbone.stem.0.weight'
    assert not torch.equal(model.state_dict()[key], runner.initial_state[key])

    converted, source = to_seg_state_dict(model.state_dict())
    assert source == 'mmselfsup'
    missing, unexpected = check_fits(converted, seg_state, 'mmseg.ResNetV1c')
    assert not unexpected and not [k for k in missing if k.startswith('backbone.')]

    name = osp.basename(rel_path).split('_')[0]
    if name == 'densecl':  # the loss_lambda warm-up hook is registered and active
        assert any(type(h).__name__ == 'DenseCLHook' for h in runner.hooks)
        assert runner.message_hub.get_scalar('train/loss_dense').current() == 0.
        assert model.loss_lambda == 0.  # still inside the 5 warm-up iterations
    if name == 'simsiam':  # the predictor's lr is fixed by its own param group
        groups = [g for g in runner.optim_wrapper.optimizer.param_groups if g.get('fix_lr')]
        assert groups and all(g['lr'] == cfg.optim_wrapper.optimizer.lr for g in groups)
