"""Continued pre-training: what is loaded, the lr curves of both groups against the formula."""
import math
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS, PARAM_SCHEDULERS

from tests.conftest import load_config

CFG = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes_from-mocov2.py'
MOCOV2_CFG = 'selfsup/mocodec/mocodec_r18-d8_1xb8-300i_toyscenes.py'


def main_lr(t, base, T, ratio=0.1):
    """The main schedule: cosine from base to ratio * base over T steps."""
    return ratio * base + (1 - ratio) * base * (1 + math.cos(math.pi * min(t, T) / T)) / 2


def loaded_lr(t, base, T, R, start=0.1, ratio=0.1):
    """Loaded parameters: cosine rise from start * base to base over R steps, capped by main_lr."""
    rise = start * base + (1 - start) * base * (1 - math.cos(math.pi * min(t, R) / R)) / 2
    return min(rise, main_lr(t, base, T, ratio))


@pytest.fixture(autouse=True)
def mmselfsup_scope():
    """Registry lookups follow the default scope, which earlier tests may have left at mmseg."""
    init_default_scope('mmselfsup')


@pytest.fixture(scope='module')
def mocov2_checkpoint(tmp_path_factory):
    """An image-level MoCo v2 checkpoint with our backbone (MoCoDec w/o dec), as mmengine saves
    it."""
    init_default_scope('mmselfsup')
    cfg = load_config(MOCOV2_CFG).model
    cfg.queue_len = 16
    torch.manual_seed(1)
    model = MODELS.build(cfg)
    model.init_weights()
    path = str(tmp_path_factory.mktemp('mocov2') / 'mocov2.pth')
    torch.save(dict(meta=dict(iter=300), state_dict=model.state_dict()), path)
    return path


def build_plmoco():
    init_default_scope('mmselfsup')
    cfg = load_config(CFG).model
    cfg.queue_len = 16
    torch.manual_seed(2)
    return MODELS.build(cfg)


def constructor(optim_wrapper_cfg, checkpoint, **paramwise):
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='ContinuedPretrainOptimWrapperConstructor',
             optim_wrapper_cfg=optim_wrapper_cfg,
             paramwise_cfg=dict(init_checkpoint=checkpoint, **paramwise)))


def test_lr_curves_of_both_groups_follow_the_formula():
    base, T = 0.02, 40
    loaded_p, new_p = nn.Parameter(torch.zeros(1)), nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([dict(params=[loaded_p], loaded=True),
                                 dict(params=[new_p], loaded=False)], lr=base)
    scheduler = PARAM_SCHEDULERS.build(
        dict(type='ContinuedPretrainCosineLR', optimizer=optimizer, T_max=T, by_epoch=False,
             begin=0, end=T))
    curves = []
    for t in range(T):
        curves.append([g['lr'] for g in optimizer.param_groups])  # lr used at step t
        optimizer.step()
        scheduler.step()
    for t, (lr_loaded, lr_new) in enumerate(curves):
        assert lr_new == pytest.approx(main_lr(t, base, T), rel=1e-9, abs=1e-12)
        assert lr_loaded == pytest.approx(loaded_lr(t, base, T, T), rel=1e-9, abs=1e-12)
    # the reference setting: 0.02 -> 0.002 for new parameters, loaded ones start at 0.002
    assert curves[0] == pytest.approx([0.002, 0.02])
    assert curves[-1][1] == pytest.approx(main_lr(T - 1, base, T)) and curves[-1][1] < 0.0021
    # loaded parameters rise until they meet the main schedule (t = T/2 here), then follow it
    loaded = [c[0] for c in curves]
    assert all(b > a for a, b in zip(loaded[:T // 2], loaded[1:T // 2 + 1]))
    assert curves[T // 2][0] == pytest.approx(curves[T // 2][1])
    assert all(c[0] == pytest.approx(c[1]) for c in curves[T // 2:])
    assert all(c[0] < c[1] for c in curves[:T // 2])


def test_shorter_rise_switches_to_the_main_schedule_where_they_meet():
    base, T, R = 0.02, 30, 10
    p, q = nn.Parameter(torch.zeros(1)), nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([dict(params=[p], loaded=True), dict(params=[q], loaded=False)],
                                lr=base)
    scheduler = PARAM_SCHEDULERS.build(
        dict(type='ContinuedPretrainCosineLR', optimizer=optimizer, T_max=T, rise_iters=R,
             start_factor=0.2, by_epoch=False, end=T))
    for t in range(T):
        assert optimizer.param_groups[0]['lr'] == pytest.approx(
            loaded_lr(t, base, T, R, start=0.2))
        assert optimizer.param_groups[1]['lr'] == pytest.approx(main_lr(t, base, T))
        optimizer.step()
        scheduler.step()


def test_constructor_loads_the_backbone_and_tags_the_groups(mocov2_checkpoint):
    model = build_plmoco()
    wrapper = constructor(dict(optimizer=dict(type='SGD', lr=0.02, momentum=0.9)),
                          mocov2_checkpoint)(model)
    ckpt = torch.load(mocov2_checkpoint, weights_only=True)['state_dict']
    state = model.state_dict()
    backbone = [k for k in state if k.startswith('backbone.')]
    assert backbone and all(torch.equal(state[k], ckpt[k]) for k in backbone)
    assert model.backbone.is_init  # the runner's init_weights keeps the loaded weights
    names = {id(p): n for n, p in model.named_parameters() if p.requires_grad}
    tags = {names[id(g['params'][0])]: g['loaded'] for g in wrapper.optimizer.param_groups}
    assert tags and len(tags) == len(names)  # every trainable parameter, momentum encoder left out
    assert all(tags[n] == n.startswith('backbone.') for n in tags)
    assert any(n.startswith('decoder.') for n in tags) and any(n.startswith('neck.') for n in tags)
    model.init_weights()  # what the runner does after building the optimizer
    assert all(torch.equal(model.state_dict()[k], ckpt[k]) for k in backbone)


def test_wrong_checkpoints_are_refused_naming_the_problem(mocov2_checkpoint, tmp_path):
    model = build_plmoco()
    opt = dict(optimizer=dict(type='SGD', lr=0.02))
    ckpt = torch.load(mocov2_checkpoint, weights_only=True)['state_dict']
    plain = {k.replace('backbone.stem.0.', 'backbone.conv1.'): v for k, v in ckpt.items()
             if not k.startswith('backbone.stem.') or k.startswith('backbone.stem.0.')}
    torch.save(dict(state_dict=plain), tmp_path / 'plain.pth')
    with pytest.raises(ValueError, match='stem mismatch'):
        constructor(opt, str(tmp_path / 'plain.pth'))(model)
    partial = {k: v for k, v in ckpt.items() if not k.startswith('backbone.layer4.')}
    torch.save(dict(state_dict=partial), tmp_path / 'partial.pth')
    with pytest.raises(ValueError, match=r"backbone\.layer4\..*not in the checkpoint"):
        constructor(opt, str(tmp_path / 'partial.pth'))(model)
    torch.save(dict(state_dict={'neck.w': torch.zeros(1)}), tmp_path / 'nobackbone.pth')
    with pytest.raises(ValueError, match='no key starts with'):
        constructor(opt, str(tmp_path / 'nobackbone.pth'))(model)
    with pytest.raises(FileNotFoundError):
        constructor(opt, str(tmp_path / 'missing.pth'))(model)
    with pytest.raises(ValueError, match='init_checkpoint'):
        OPTIM_WRAPPER_CONSTRUCTORS.build(dict(type='ContinuedPretrainOptimWrapperConstructor',
                                              optim_wrapper_cfg=opt))
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match='loaded'):
        PARAM_SCHEDULERS.build(dict(type='ContinuedPretrainCosineLR', optimizer=optimizer,
                                    T_max=10))


def test_config_trains_with_both_groups_on_schedule(mocov2_checkpoint, toy_root, tmp_path):
    from mmengine.runner import Runner
    cfg = load_config(CFG, toy_root, **{
        'model.queue_len': 64,
        'optim_wrapper.paramwise_cfg.init_checkpoint': mocov2_checkpoint,
        'train_cfg.max_iters': 2,
        'train_dataloader.batch_size': 2,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': 2,
    })
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = 'test_from_mocov2'
    runner = Runner.from_cfg(cfg)
    runner.train()
    base, T = cfg.optim_wrapper.optimizer.lr, cfg.param_scheduler[0].T_max
    groups = runner.optim_wrapper.optimizer.param_groups
    loaded = [g for g in groups if g['loaded']]
    new = [g for g in groups if not g['loaded']]
    assert loaded and new
    assert all(g['lr'] == pytest.approx(loaded_lr(2, base, T, T)) for g in loaded)
    assert all(g['lr'] == pytest.approx(main_lr(2, base, T)) for g in new)
    # the checkpoint survived the runner's init_weights: 2 small steps away from it, far from random
    ckpt = torch.load(mocov2_checkpoint, weights_only=True)['state_dict']
    state = runner.model.state_dict()
    key = 'backbone.layer4.1.conv2.weight'
    moved = (state[key] - ckpt[key]).norm()
    assert 0 < moved < 0.05 * ckpt[key].norm()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses) and losses[0] != losses[1]
    assert osp.isfile(osp.join(str(tmp_path), 'iter_2.pth'))
