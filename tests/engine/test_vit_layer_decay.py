"""Layer-wise lr decay for MMSeg's VisionTransformer: every parameter's lr and weight decay,
against the rule written out independently here."""
import re

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from tests.conftest import config_path

BASE_LR, DECAY, WD, LAYERS = 1e-4, 0.65, 0.05, 12


def seg_model(base='fcn_vit-t16_seg.py', **backbone):
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    cfg = Config.fromfile(config_path('_base_', 'models', base)).model
    cfg.decode_head.num_classes = 6
    cfg.backbone.update(backbone)
    return MODELS.build(cfg)


def vit_optim_wrapper():
    cfg = Config.fromfile(config_path('_base_', 'schedules', 'seg_vit_optim.py'))
    wrapper = cfg.vit_ft_optim_wrapper.to_dict()
    wrapper.pop('_delete_')
    return wrapper


def expected_depth(name: str) -> int:
    if name in ('backbone.cls_token', 'backbone.pos_embed') or name.startswith(
            'backbone.patch_embed.'):
        return 0
    match = re.match(r'backbone\.layers\.(\d+)\.', name)
    return int(match.group(1)) + 1 if match else LAYERS + 1


@pytest.mark.parametrize('base', ['fcn_vit-t16_seg.py', 'linear_vit-t16_seg.py'])
def test_every_parameter_gets_its_layers_lr(base):
    model = seg_model(base)
    wrapper = build_optim_wrapper(model, vit_optim_wrapper())
    assert type(wrapper.optimizer).__name__ == 'AdamW'
    got = {}
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            got[id(p)] = (group['lr'], group['weight_decay'])
    names = dict(model.named_parameters())
    assert len(got) == len(names)  # every parameter is in exactly one group
    for name, p in names.items():
        lr = BASE_LR * DECAY**(LAYERS + 1 - expected_depth(name))
        no_decay = p.ndim == 1 or name.endswith(('.bias', 'pos_embed', 'cls_token'))
        assert got[id(p)] == (pytest.approx(lr), 0. if no_decay else WD), name
    # spot checks of the rule's ends
    assert got[id(names['decode_head.conv_seg.weight'])][0] == pytest.approx(BASE_LR)
    assert got[id(names['backbone.ln1.weight'])][0] == pytest.approx(BASE_LR)
    assert got[id(names['backbone.layers.11.ffn.layers.1.weight'])][0] == pytest.approx(
        BASE_LR * DECAY)
    assert got[id(names['backbone.pos_embed'])] == (pytest.approx(BASE_LR * DECAY**13), 0.)


def test_frozen_parameters_are_left_out():
    model = seg_model()
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith('decode_head.conv_seg.'))
    wrapper = build_optim_wrapper(model, vit_optim_wrapper())
    params = [p for g in wrapper.optimizer.param_groups for p in g['params']]
    assert len(params) == 2


def test_refusals():
    model = seg_model(num_layers=4, out_indices=(3, ))
    with pytest.raises(ValueError, match='num_layers=12 but the backbone has 4 layers'):
        build_optim_wrapper(model, vit_optim_wrapper())
    cfg = vit_optim_wrapper()
    cfg['paramwise_cfg'] = dict(num_layers=4)
    with pytest.raises(ValueError, match='decay_rate'):
        build_optim_wrapper(model, cfg)
    # why this constructor exists: MMSeg 1.2.2's own refuses VisionTransformer
    cfg = vit_optim_wrapper()
    cfg['constructor'] = 'LearningRateDecayOptimizerConstructor'
    with pytest.raises(NotImplementedError):
        build_optim_wrapper(model, cfg)
    assert torch.is_tensor(model.backbone.pos_embed)


# timm backbones (TimmDenseBackbone): the depths are timm's own grouping; the independent check is
# timm's param_groups_layer_decay on the bare timm model, whose top group (the last block, or the
# final norm of a coarse ConvNeXt) has scale 1: ours puts the decode head one level above, so every
# backbone parameter's scale is timm's times the decay rate, and weight decay is timm's choice.
TIMM = {
    'vit': ('mocofcn_timm-vit-s14-dinov2_seg.py', dict(embed_dim=48, depth=3, num_heads=2),
            dict(num_layers=3, decay_rate=0.65)),
    'convnext': ('mocofcn_timm-convnext-t_seg.py', dict(dims=(8, 16, 24, 32), depths=(1, 1, 2, 1)),
                 dict(num_layers=5, decay_rate=0.9, timm_coarse=True)),
}


def timm_seg_model(kind):
    base, sizes, _ = TIMM[kind]
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    cfg = Config.fromfile(config_path('_base_', 'models', base)).model
    cfg.decode_head.num_classes = 6
    cfg.decode_head.in_channels = 48 if kind == 'vit' else 32
    cfg.backbone.update(sizes)
    return MODELS.build(cfg)


def timm_optim_wrapper(kind):
    wrapper = vit_optim_wrapper()
    wrapper['paramwise_cfg'] = dict(TIMM[kind][2])
    return wrapper


@pytest.mark.parametrize('kind', sorted(TIMM))
def test_timm_backbones_decay_by_timms_grouping(kind):
    from timm.optim import param_groups_layer_decay
    model = timm_seg_model(kind)
    paramwise = TIMM[kind][2]
    wrapper = build_optim_wrapper(model, timm_optim_wrapper(kind))
    got = {}
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            got[id(p)] = (group['lr'], group['weight_decay'])
    names = dict(model.named_parameters())
    assert len(got) == len(names)
    timm_model = model.backbone.model
    # timm's rule, its own code (coarse grouping for the ConvNeXt as the config asks)
    matcher = timm_model.group_matcher
    if paramwise.get('timm_coarse'):
        timm_model.group_matcher = lambda coarse=False: matcher(coarse=True)
    reference = param_groups_layer_decay(timm_model, weight_decay=WD,
                                         no_weight_decay_list=timm_model.no_weight_decay()
                                         if hasattr(timm_model, 'no_weight_decay') else (),
                                         layer_decay=paramwise['decay_rate'])
    timm_model.group_matcher = matcher
    by_param = {id(p): (g['lr_scale'], g['weight_decay']) for g in reference for p in g['params']}
    decay = paramwise['decay_rate']
    for name, p in names.items():
        if name.startswith('backbone.'):
            scale, wd = by_param[id(p)]
            assert got[id(p)] == (pytest.approx(BASE_LR * scale * decay), wd), name
        else:  # the decode head: the base lr
            assert got[id(p)][0] == pytest.approx(BASE_LR), name
    lowest = min(lr for lr, _ in got.values())
    assert lowest == pytest.approx(BASE_LR * decay**(paramwise['num_layers'] + 1))


def test_timm_depth_refused_naming_the_grouping():
    model = timm_seg_model('vit')
    cfg = timm_optim_wrapper('vit')
    cfg['paramwise_cfg']['num_layers'] = 12
    with pytest.raises(ValueError, match='num_layers=12 but timm groups .* into 3 layers'):
        build_optim_wrapper(model, cfg)
