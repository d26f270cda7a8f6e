"""EDMoCo and PLEDMoCo: MoCo w/dec and PLMoCo w/dec with the encoder (backbone) at 1/100 of the
base learning rate, at toy, CamVid and reference scale. The built optimizer's groups carry the
multiplier; the toy configs train and convert."""
import math

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS

from ssl4dp_mm.checkpoints import save_checkpoint_atomic
from tests.conftest import config_path, load_config, load_tool, train_few_iters

BASES = {'edmoco': 'mocodec', 'pledmoco': 'plmoco'}
TYPES = {'edmoco': 'MoCoDec', 'pledmoco': 'PLMoCo'}
# the configs lie beside those of the method they modify
TOY = {m: f'selfsup/{b}/{m}_r18-d8-mocofcn_1xb8-300i_toyscenes.py' for m, b in BASES.items()}
CAMVID = {m: f'selfsup/{b}/{m}_r18-d8-mocofcn_1xb16-120i_camvid.py' for m, b in BASES.items()}
REFERENCE = {(m, ds): f'selfsup/{b}/{m}_r50b-d8-mocofcn_1xb16-20e_{ds}_from-mocov2.py'
             for m, b in BASES.items() for ds in ('voc12aug', 'cityscapes')}
ALL = list(TOY.values()) + list(CAMVID.values()) + list(REFERENCE.values())


def _lr_by_name(model, wrapper):
    lr_of = {id(p): g['lr'] for g in wrapper.optimizer.param_groups for p in g['params']}
    return {n: lr_of[id(p)] for n, p in model.named_parameters() if p.requires_grad}


def _base_of(rel):
    """The config it differs from: the same folder, mocodec_ / plmoco_ instead of the prefix."""
    for new, old in BASES.items():
        rel = rel.replace(f'/{new}_', f'/{old}_')
    return rel


@pytest.mark.parametrize('rel', ALL)
def test_only_the_optimizer_differs_from_the_method_it_modifies(rel):
    cfg, base = Config.fromfile(config_path(rel)), Config.fromfile(config_path(_base_of(rel)))
    assert cfg.optim_wrapper.paramwise_cfg.custom_keys == {'backbone': dict(lr_mult=0.01)}
    assert cfg.model == base.model and cfg.train_dataloader == base.train_dataloader
    assert cfg.param_scheduler == base.param_scheduler and cfg.train_cfg == base.train_cfg
    cfg.optim_wrapper.paramwise_cfg.pop('custom_keys')
    if not cfg.optim_wrapper.paramwise_cfg:
        cfg.optim_wrapper.pop('paramwise_cfg')
    assert cfg.optim_wrapper == base.optim_wrapper


@pytest.mark.parametrize('rel', list(TOY.values()) + list(CAMVID.values()))
def test_optimizer_groups_carry_the_encoder_multiplier(rel):
    init_default_scope('mmselfsup')
    cfg = load_config(rel)
    cfg.model.queue_len = 16
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lr = cfg.optim_wrapper.optimizer.lr
    lrs = _lr_by_name(model, wrapper)
    assert any(n.startswith('backbone.') for n in lrs)
    assert any(n.startswith('decoder.') for n in lrs)
    for name, lr in lrs.items():
        want = base_lr * 0.01 if name.startswith('backbone.') else base_lr
        assert lr == pytest.approx(want), name
    # the momentum encoder is an EMA: it has no gradient and takes no lr
    assert not any(n.startswith('encoder_k.') for n in lrs)


@pytest.mark.parametrize('method,dataset', sorted(REFERENCE))
def test_reference_groups_scale_both_curves_of_the_continued_schedule(method, dataset, tmp_path):
    """At reference scale the constructor loads the MoCo v2 backbone and tags its groups; the
    multiplier scales the loaded backbone's ramp (0.1 -> 1 of 0.02 x 0.01) and leaves the new
    parameters' cosine at the base lr."""
    from mmselfsup.registry import PARAM_SCHEDULERS
    init_default_scope('mmselfsup')
    cfg = load_config(REFERENCE[(method, dataset)])
    cfg.model.queue_len = 16
    model = MODELS.build(cfg.model)
    ckpt = str(tmp_path / 'init.pth')  # an MMSelfSup-layout backbone checkpoint (backbone.*)
    save_checkpoint_atomic(dict(state_dict={k: v for k, v in model.state_dict().items()
                                            if k.startswith('backbone.')}), ckpt)
    cfg.optim_wrapper.paramwise_cfg.init_checkpoint = ckpt
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lr = cfg.optim_wrapper.optimizer.lr
    groups = wrapper.optimizer.param_groups
    names = {id(p): n for n, p in model.named_parameters()}
    for g in groups:
        (p, ) = g['params']
        backbone = names[id(p)].startswith('backbone.')
        assert g['loaded'] == backbone
        assert g['lr'] == pytest.approx(base_lr * (0.01 if backbone else 1.)), names[id(p)]
    (sched_cfg, ) = cfg.param_scheduler
    sched = PARAM_SCHEDULERS.build(dict(
        type=sched_cfg.type, optimizer=wrapper, T_max=100, eta_min_ratio=sched_cfg.eta_min_ratio,
        start_factor=sched_cfg.start_factor, by_epoch=False, begin=0, end=100))

    def check(t):
        lr = {bool(g['loaded']): g['lr'] for g in groups}
        main, rise = sched.main_factor(t), sched.rise_factor(t)
        assert lr[True] == pytest.approx(base_lr * 0.01 * min(rise, main))
        assert lr[False] == pytest.approx(base_lr * main)
        return lr

    start = check(sched.last_step)  # the first step: 0.02 x 0.01 x ~0.1 and 0.02
    assert start[True] == pytest.approx(base_lr * 0.01 * sched_cfg.start_factor, rel=0.01)
    assert start[False] == pytest.approx(base_lr, rel=0.01)
    for _ in range(100):
        sched.step()
    end = check(sched.last_step)  # the last step: both at ~eta_min_ratio of their initial lr
    assert end[True] == pytest.approx(base_lr * 0.01 * sched_cfg.eta_min_ratio, rel=0.01)
    assert end[False] == pytest.approx(base_lr * sched_cfg.eta_min_ratio, rel=0.01)


@pytest.mark.parametrize('method', sorted(TOY))
def test_toy_config_trains_and_converts(method, toy_root, tmp_path):
    cfg = load_config(TOY[method], toy_root, **{'model.queue_len': 64})
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=2)
    assert type(runner.model).__name__ == TYPES[method]
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    lrs = _lr_by_name(runner.model, runner.optim_wrapper)
    base_lr = cfg.optim_wrapper.optimizer.lr
    assert lrs['backbone.stem.0.weight'] == pytest.approx(base_lr * 0.01)
    assert lrs['decoder.convs.0.conv.weight'] == pytest.approx(base_lr)
    state = runner.model.state_dict()
    assert not torch.equal(state['backbone.stem.0.weight'],
                           runner.initial_state['backbone.stem.0.weight'])
    report = load_tool('convert_checkpoint').convert(
        str(tmp_path / 'iter_2.pth'), str(tmp_path / 'seg.pth'),
        config_path('seg', 'mocofcn', 'mocofcn_r18-d8_lp-300i_toyscenes.py'), verbose=False)
    assert report['missing'] == ['decode_head.conv_seg.weight', 'decode_head.conv_seg.bias']
