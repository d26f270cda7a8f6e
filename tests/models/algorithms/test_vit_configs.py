"""The ViT pre-training configs: every toy config trains, its checkpoint converts into the ViT
segmentation model of its decoder, and the mask sampling of the DetCon configs runs at the
encoder's real output stride."""
import glob
import math
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS

from ssl4dp_mm.manifest import METHODS as MANIFEST_METHODS
from tests.conftest import ROOT, config_path, load_config, load_tool, train_few_iters

# the ViT/16 configs, each in its method's folder (the DINOv2 ViT-S/14 post-training configs of
# PLMoCo and DetCon-S are tested with the timm ones)
ALL = sorted(osp.relpath(p, osp.join(ROOT, 'configs'))
             for p in glob.glob(osp.join(ROOT, 'configs', 'selfsup', '*', '*_vit-[tsb]16*.py')))
TOY = [p for p in ALL if p.endswith('_toyscenes.py')]
# the ViT methods, each w/dec (FCN on the tokens) and w/o dec; MoCo w/o dec only
METHODS = ('plmoco', 'plmocoplus', 'plsiam', 'prcl', 'detcons', 'detconb')
TYPES = dict(plmoco='PLMoCo', plmocoplus='PLMoCoPlus', plsiam='PLSiam', prcl='PRCL',
             detcons='DetConS', detconb='DetConB', mocodec='MoCoDec')


def method_of(path: str) -> str:
    return osp.basename(path).split('_')[0]


def test_every_method_has_toy_configs_with_and_without_decoder():
    want = {f'selfsup/{MANIFEST_METHODS[m].folder}/{m}_vit-t16{d}_1xb8-300i_toyscenes.py'
            for m in METHODS for d in ('-fcn', '')}
    want.add('selfsup/mocodec/mocodec_vit-t16_1xb8-300i_toyscenes.py')
    assert want == set(TOY)
    # CamVid and the DINO-continued reference rows exist for ViT-S/16 (and ViT-B/16 PLMoCo)
    assert len([p for p in ALL if p.endswith('_camvid.py')]) == 14
    assert len([p for p in ALL if p.endswith('_from-dino.py')]) == 12


@pytest.mark.parametrize('cfg_path', TOY)
def test_toy_config_trains_and_converts(cfg_path, toy_root, tmp_path):
    cfg = load_config(cfg_path, toy_root)
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg.model:
            cfg.model[key] = 64
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=2)
    model = runner.model
    assert type(model).__name__ == TYPES[method_of(cfg_path)]
    assert type(model.backbone).__name__ == 'VisionTransformer'
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    state = model.state_dict()
    with_dec = '-fcn_' in cfg_path
    assert model.with_decoder == with_dec
    for prefix in ('backbone.layers.', 'backbone.patch_embed.', 'neck.') + (
            ('decoder.', ) if with_dec else ()):
        keys = [k for k in state if k.startswith(prefix) and k.endswith('weight')]
        moved = [not torch.equal(state[k], runner.initial_state[k]) for k in keys]
        assert keys and any(moved), prefix
    # the checkpoint converts: w/dec into the FCN model (decoder carried), w/o into the linear one
    seg_base = 'fcn_vit-t16_seg.py' if with_dec else 'linear_vit-t16_seg.py'
    report = load_tool('convert_checkpoint').convert(
        str(tmp_path / 'iter_2.pth'), str(tmp_path / 'seg.pth'),
        config_path('_base_', 'models', seg_base), verbose=False)
    assert report['source'] == ('ssl4dp_mm' if with_dec else 'mmselfsup')
    assert sorted(report['missing']) == ['decode_head.conv_seg.bias', 'decode_head.conv_seg.weight']
    assert not report['unexpected']
    converted = torch.load(tmp_path / 'seg.pth', weights_only=False)['state_dict']
    for k in ('backbone.layers.11.attn.attn.in_proj_weight', 'backbone.pos_embed'):
        assert torch.equal(converted[k], state[k])
    if with_dec:
        assert torch.equal(converted['decode_head.convs.0.conv.weight'],
                           state['decoder.convs.0.conv.weight'])


def _sample_masks(cfg):
    return [t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'SampleMaskIds']


@pytest.mark.parametrize('cfg_path', [p for p in ALL if 'detcon' in p])
def test_mask_sampling_runs_at_the_models_output_stride(cfg_path):
    """SampleMaskIds counts a region as present when it owns a cell at ``feat_stride``; that must be
    the stride the model's map really has (16 for ViT/16, w/ and w/o decoder)."""
    cfg = load_config(cfg_path)
    (sampling, ) = _sample_masks(cfg)
    init_default_scope('mmselfsup')
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        feats = model.encode(torch.zeros(1, 3, 64, 96))
    assert (64 // feats.shape[2], 96 // feats.shape[3]) == (sampling.feat_stride, ) * 2 == (16, 16)


def test_resnet_detcon_configs_keep_stride_8():
    cfg = load_config('selfsup/detcon/detcons_r18-d8-mocofcn_1xb8-300i_toyscenes.py')
    assert _sample_masks(cfg)[0].feat_stride == 8


@pytest.mark.parametrize('cfg_path', [p for p in ALL if not p.endswith('_toyscenes.py')])
def test_camvid_and_reference_configs_match_their_toy_counterparts(cfg_path):
    """Same method and decoder as the toy config of the method, the backbone widened only."""
    cfg = load_config(cfg_path)
    size = 't16' if 'vit-t16' in cfg_path else 's16' if 'vit-s16' in cfg_path else 'b16'
    widths = dict(t16=(192, 3), s16=(384, 6), b16=(768, 12))[size]
    backbone = cfg.model.backbone
    assert backbone.type == 'mmseg.VisionTransformer' and backbone.patch_size == 16
    assert (backbone.embed_dims, backbone.num_heads) == widths and backbone.num_layers == 12
    assert 'depth' not in backbone  # the ResNet base's keys were replaced, not merged
    toy = load_config(osp.join(osp.dirname(cfg_path), f'{method_of(cfg_path)}_vit-t16'
                               f'{"-fcn" if "-fcn_" in cfg_path else ""}_1xb8-300i_toyscenes.py'))
    assert cfg.model.type == toy.model.type
    assert (cfg.model.get('decoder') is None) == (toy.model.get('decoder') is None)
    if cfg.model.get('decoder') is not None:
        assert cfg.model.decoder.in_channels == widths[0]
    elif cfg.model.get('neck') is not None:
        assert cfg.model.neck.in_channels == widths[0]
    if cfg_path.endswith('_from-dino.py'):
        paramwise = cfg.optim_wrapper.paramwise_cfg
        assert cfg.optim_wrapper.constructor == 'ContinuedPretrainOptimWrapperConstructor'
        assert paramwise.init_checkpoint == ('checkpoints/dino_vitbase16_pretrain.pth' if size ==
                                             'b16' else 'checkpoints/dino_deitsmall16_pretrain.pth')


# the CamVid ViT-S configs that benchmarks/camvid_quality.py's `--methods vit` does not run (it runs
# PLMoCo, DetCon-S and MoCo, w/ and w/o dec): each trains on the real CamVid images here
CAMVID_EXTRA = [f'selfsup/{MANIFEST_METHODS[m].folder}/{m}_vit-s16-fcn_1xb16-120i_camvid.py'
                for m in ('plmocoplus', 'plsiam', 'prcl', 'detconb')]


@pytest.mark.parametrize('cfg_path', CAMVID_EXTRA)
def test_camvid_config_trains_converts_and_evaluates_on_camvid(cfg_path, camvid_root, tmp_path):
    """Two iterations on real CamVid images (its own pipeline and masks), the checkpoint converted
    into the CamVid FCN leaf (decoder carried), then the linear probe (only conv_seg moves) and a
    fine-tune (the encoder moves) from it, one iteration each."""
    assert cfg_path in ALL
    cfg = load_config(cfg_path, camvid_root)
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg.model:
            cfg.model[key] = 64
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path / 'pre', iters=2)
    assert type(runner.model).__name__ == TYPES[method_of(cfg_path)]
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    seg = str(tmp_path / 'seg.pth')
    report = load_tool('convert_checkpoint').convert(
        str(tmp_path / 'pre' / 'iter_2.pth'), seg,
        config_path('seg', 'vit', 'fcn_vit-s16_lp-1k_camvid.py'), verbose=False)
    assert sorted(report['missing']) == ['decode_head.conv_seg.bias', 'decode_head.conv_seg.weight']
    assert not report['unexpected']
    loaded = torch.load(seg, map_location='cpu', weights_only=True)['state_dict']
    for leaf, frozen in (('fcn_vit-s16_lp-1k_camvid.py', True),
                         ('fcn_vit-s16_ft100-10k_camvid.py', False)):
        init_default_scope('mmseg')
        seg_cfg = load_config(osp.join('seg', 'vit', leaf), camvid_root)
        seg_cfg.load_from = seg
        seg_runner = train_few_iters(seg_cfg, tmp_path / leaf, iters=1)
        state = seg_runner.model.state_dict()
        for key in ('backbone.layers.11.ffn.layers.1.weight', 'decode_head.convs.0.conv.weight'):
            assert torch.equal(state[key], loaded[key]) == frozen, (leaf, key)
        key = 'decode_head.conv_seg.weight'
        assert not torch.equal(state[key], seg_runner.initial_state[key]), leaf
