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
