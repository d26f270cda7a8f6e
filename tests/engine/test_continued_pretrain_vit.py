"""Continued pre-training of a ViT from public checkpoints (DINO's released backbone, DINO's
training checkpoint, timm): the mapped weights fill the MMSeg ViT key for key, sizes that do not
fit are refused naming the key, and a DINO-continued reference config trains, converts and runs
its linear probe."""
import math

import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from ssl4dp_mm.benchmarking.small_pretrain import small_pretrain_config
from tests._helpers.small_run import small_seg_config
from tests.checkpoints.vit_checkpoints import (dino_backbone_release, dino_training_checkpoint,
                                               timm_vit_state)
from tests.conftest import config_path, load_config, load_tool

TOY = 'selfsup/plmoco/plmoco_vit-t16-fcn_1xb8-300i_toyscenes.py'


@pytest.fixture(autouse=True)
def mmselfsup_scope():
    init_default_scope('mmselfsup')


def _build(cfg_path=TOY):
    cfg = load_config(cfg_path).model
    cfg.queue_len = 64
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _construct(path):
    return OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='ContinuedPretrainOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='AdamW', lr=1e-4)),
        paramwise_cfg=dict(init_checkpoint=path)))


@pytest.mark.parametrize('layout', ['dino-release', 'dino-training', 'timm'])
def test_public_vit_checkpoints_fill_the_backbone(layout, tmp_path):
    release = dino_backbone_release(seed=4)
    saved = dict(dino_release=release, timm=timm_vit_state(seed=4),
                 dino_training=dino_training_checkpoint(seed=4))[layout.replace('-', '_')]
    path = str(tmp_path / 'ckpt.pth')
    torch.save(saved, path)
    model = _build()
    constructor = _construct(path)
    wrapper = constructor(model)
    assert constructor.layout == ('dino' if layout == 'dino-training' else 'timm')
    own = model.state_dict()
    # independent spot checks of the name mapping, against the timm keys
    pairs = {'backbone.cls_token': 'cls_token', 'backbone.pos_embed': 'pos_embed',
             'backbone.patch_embed.projection.weight': 'patch_embed.proj.weight',
             'backbone.patch_embed.projection.bias': 'patch_embed.proj.bias',
             'backbone.layers.7.attn.attn.in_proj_weight': 'blocks.7.attn.qkv.weight',
             'backbone.layers.7.attn.attn.out_proj.bias': 'blocks.7.attn.proj.bias',
             'backbone.layers.11.ln2.weight': 'blocks.11.norm2.weight',
             'backbone.layers.0.ffn.layers.0.0.weight': 'blocks.0.mlp.fc1.weight',
             'backbone.layers.0.ffn.layers.1.bias': 'blocks.0.mlp.fc2.bias',
             'backbone.ln1.weight': 'norm.weight'}
    for ours, theirs in pairs.items():
        assert torch.equal(own[ours], release[theirs]), ours  # the teacher, not the student
    backbone = {n for n, _ in model.named_parameters() if n.startswith('backbone.')}
    assert len(backbone) == 4 + 12 * 12 + 2
    groups = wrapper.optimizer.param_groups
    names = {id(p): n for n, p in model.named_parameters()}
    for group in groups:
        (p, ) = group['params']
        assert group['loaded'] == names[id(p)].startswith('backbone.'), names[id(p)]
    # kept through the runner's init_weights
    model.init_weights()
    assert torch.equal(model.state_dict()['backbone.pos_embed'], release['pos_embed'])


@pytest.mark.parametrize('kwargs,message', [
    (dict(depth=6), r"depth mismatch: the checkpoint has 6 transformer layers, the model 12"),
    (dict(dim=384), r"width mismatch at 'backbone\.patch_embed\.projection\.weight'"),
    (dict(patch=8), r"patch size mismatch .*patch_size=8"),
])
def test_sizes_that_do_not_fit_are_refused(kwargs, message, tmp_path):
    path = str(tmp_path / 'ckpt.pth')
    torch.save(dino_backbone_release(**kwargs), path)
    with pytest.raises(ValueError, match=message):
        _construct(path)(_build())


def test_other_position_grids_are_resized(tmp_path):
    path = str(tmp_path / 'ckpt.pth')
    torch.save(timm_vit_state(grid=24), path)  # a 384 px timm model
    model = _build()
    _construct(path)(model)
    assert model.backbone.pos_embed.shape == (1, 197, 192)


def test_dino_continued_reference_config_trains_converts_and_probes(tmp_path):
    from mmengine.runner import Runner

    from ssl4dp_mm.datasets.reference_layouts import make_voc_aug
    root = make_voc_aug(str(tmp_path / 'voc'))
    ckpt = str(tmp_path / 'dino_deitsmall16_pretrain.pth')
    torch.save(dino_backbone_release(dim=384, seed=5), ckpt)
    cfg = small_pretrain_config(
        load_config('selfsup/plmoco/plmoco_vit-s16-fcn_1xb16-20e_voc12aug_from-dino.py'), root,
        ckpt, str(tmp_path / 'pretrain'), view=64)
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    report = load_tool('convert_checkpoint').convert(
        str(tmp_path / 'pretrain' / 'iter_2.pth'), str(tmp_path / 'seg.pth'),
        config_path('seg', 'vit', 'fcn_vit-s16_lp-3k_voc12aug.py'), verbose=False)
    assert sorted(report['missing']) == ['decode_head.conv_seg.bias', 'decode_head.conv_seg.weight']
    init_default_scope('mmseg')
    seg_cfg = small_seg_config(load_config('seg/vit/fcn_vit-s16_lp-3k_voc12aug.py'), root,
                               str(tmp_path / 'seg.pth'), str(tmp_path / 'lp'))
    seg = Runner.from_cfg(seg_cfg)
    seg.train()
    assert 0 <= seg.test()['mIoU'] <= 100
