"""The post-training recipes on timm backbones (PLMoCo and DetCon-S, w/o and w/dec, continued from
DINOv2's ViT-S/14 and from a ConvNeXt-T): each config trains two iterations on a generated VOC aug
copy from a synthetic checkpoint of the official layout (tiny sizes by override), the backbone
starts from the file's weights, the checkpoint converts into the linear-probe leaf of its backbone
(w/o dec) or into the composed MoCoFCN FT-100% leaf (w/dec: the decoder carried), which trains
and tests; DetCon samples its masks at the backbone's stride."""
import math

import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmselfsup.registry import MODELS

from ssl4dp_mm.benchmarking.small_pretrain import small_pretrain_config
from ssl4dp_mm.models.backbones import TimmDenseBackbone
from tests._helpers.small_run import small_seg_config
from tests.checkpoints.timm_checkpoints import DinoV2Replica, DinoV3ConvNeXtReplica, state_of
from tests.conftest import config_path, load_config, load_tool, seg_file

CONFIGS = {
    f'selfsup/{folder}/{method}_{arch}{dec}_1xb16-20e_voc12aug_from-{start}.py': (kind, stride)
    for folder, method, kind in (('plmoco', 'plmoco', 'PLMoCo'), ('detcon', 'detcons', 'DetConS'))
    for arch, start, stride in (('vit-s14', 'dinov2', 14), ('convnext-t', 'timm', 32))
    for dec in ('', '-fcn')
}
SEG = dict(vit='seg/timm/linear_vit-s14-dinov2_lp-3k_voc12aug.py',
           convnext='seg/timm/linear_convnext-t_lp-3k_voc12aug.py')
# the w/dec checkpoints' segmentation model: MoCoFCN on the backbone, FT-100% (AdamW, layer decay)
SEG_DEC = dict(vit='timm-vit-s14-dinov2', convnext='timm-convnext-t')
TINY_VIT = dict(embed_dim=48, depth=2, num_heads=2)
TINY_CONVNEXT = dict(dims=(8, 16, 24, 32), depths=(1, 1, 2, 1))


@pytest.fixture(autouse=True)
def unformatted_config_text(monkeypatch):
    """Each Runner lays its config out with yapf several times (its log, its work dir, the
    checkpoint's meta): ~70% of these tests' time on 2 cores. Unformatted, the text stays valid
    Python."""
    monkeypatch.setattr('mmengine.config.config.FormatCode', lambda text, **kwargs: (text, None))


def tiny(cfg):
    """The config with its backbone shrunk (same model_name and settings) and its neck (or its
    decoder) narrowed."""
    vit = 'convnext' not in cfg.model.backbone.model_name
    cfg.model.backbone.update(TINY_VIT if vit else TINY_CONVNEXT)
    if cfg.model.get('decoder'):
        cfg.model.decoder.in_channels = 48 if vit else 32
    else:
        cfg.model.neck.in_channels = 48 if vit else 32
    if 'hid_channels' in cfg.model.neck:
        cfg.model.neck.hid_channels = 64
    return cfg, vit


def sampling_stride(cfg):
    found = [t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'SampleMaskIds']
    return found[0].feat_stride if found else None


@pytest.mark.parametrize('cfg_path', sorted(CONFIGS))
def test_backbone_stride_and_mask_sampling(cfg_path):
    kind, stride = CONFIGS[cfg_path]
    cfg = load_config(cfg_path)
    backbone = cfg.model.backbone
    assert backbone.type == 'mmseg.TimmDenseBackbone' and 'depth' not in backbone
    assert backbone.model_name == ('vit_small_patch14_dinov2' if stride == 14 else 'convnext_tiny')
    width = 384 if stride == 14 else 768
    assert cfg.model.type == kind
    if '-fcn_' in cfg_path:  # the FCN decoder of fcn_decoder.py feeds the projector
        assert cfg.model.decoder.type == 'mmseg.FCNHead' and cfg.model.decoder.dilation == 1
        assert cfg.model.decoder.in_channels == width and cfg.model.neck.in_channels == 256
    else:
        assert cfg.model.get('decoder') is None and cfg.model.neck.in_channels == width
    assert cfg.optim_wrapper.constructor == 'ContinuedPretrainOptimWrapperConstructor'
    cfg, _ = tiny(cfg)
    init_default_scope('mmselfsup')
    if 'queue_len' in cfg.model:
        cfg.model.queue_len = 64
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        feats = model.encode(torch.zeros(1, 3, 4 * stride, 6 * stride))
    assert feats.shape[2:] == (4, 6) and model.backbone.strides == [stride]
    assert sampling_stride(cfg) == (stride if kind == 'DetConS' else None)


def synthetic_checkpoint(cfg_path, vit):
    """DINOv2's released layout (518 px grid) for the ViT configs; DINOv3's ConvNeXt layout for
    PLMoCo, timm's own (with a classifier) for DetCon."""
    if vit:
        return state_of(DinoV2Replica(dim=48, depth=2, heads=2, grid=37), seed=11)
    if 'plmoco' in cfg_path:
        return state_of(DinoV3ConvNeXtReplica(**TINY_CONVNEXT), seed=12)
    import timm
    torch.manual_seed(13)
    return timm.create_model('convnext_tiny', num_classes=5, **TINY_CONVNEXT).state_dict()


@pytest.mark.parametrize('cfg_path', sorted(CONFIGS))
def test_trains_from_a_public_checkpoint(cfg_path, tmp_path):
    from ssl4dp_mm.datasets.reference_layouts import make_voc_aug
    cfg, vit = tiny(load_config(cfg_path))
    root = make_voc_aug(str(tmp_path / 'voc'))
    ckpt = str(tmp_path / 'public.pth')
    torch.save(synthetic_checkpoint(cfg_path, vit), ckpt)
    cfg = small_pretrain_config(cfg, root, ckpt, str(tmp_path / 'run'), view=56 if vit else 64)
    init_default_scope('mmselfsup')
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    # the file's weights, moved by two small steps (loaded parameters start at 10% of lr 1e-4)
    args = {k: v for k, v in cfg.model.backbone.items() if k != 'type'}
    reference = TimmDenseBackbone(**args)
    reference.load_checkpoint(ckpt)
    trained = runner.model.backbone.state_dict()
    assert set(trained) == set(reference.state_dict())
    gaps = {k: (trained[k] - v).abs().max().item() for k, v in reference.state_dict().items()}
    assert max(gaps.values()) < 1e-3, max(gaps, key=gaps.get)
    assert any(g > 0 for g in gaps.values())
    groups = runner.optim_wrapper.optimizer.param_groups
    names = {id(p): n for n, p in runner.model.named_parameters()}
    for group in groups:
        (p, ) = group['params']
        assert group['loaded'] == names[id(p)].startswith('backbone.'), names[id(p)]
    width = 48 if vit else 32
    if '-fcn_' in cfg_path:
        _fine_tune_with_the_decoder(runner, args, width, vit, root, tmp_path)
    else:
        _linear_probe(trained, args, width, vit, root, tmp_path)


def _convert_into(seg_leaf, tmp_path):
    """The pre-training run's last checkpoint converted for ``seg_leaf``: only conv_seg is new."""
    seg = str(tmp_path / 'seg.pth')
    report = load_tool('convert_checkpoint').convert(
        str(tmp_path / 'run' / 'iter_2.pth'), seg, str(seg_leaf), verbose=False)
    assert sorted(report['missing']) == ['decode_head.conv_seg.bias', 'decode_head.conv_seg.weight']
    assert not report['unexpected']
    return seg


def _linear_probe(trained, args, width, vit, root, tmp_path):
    """Into the linear probe of its backbone (a leaf shrunk alike): only conv_seg is new, the
    frozen backbone keeps the converted weights."""
    seg_leaf = tmp_path / 'seg_leaf.py'
    seg_leaf.write_text(f"_base_ = '{config_path(SEG['vit' if vit else 'convnext'])}'\n"
                        f"model = dict(backbone=dict({args!r}), decode_head=dict("
                        f"in_channels={width}, channels={width}))\n")
    seg = _convert_into(seg_leaf, tmp_path)
    init_default_scope('mmseg')
    seg_cfg = small_seg_config(load_config(str(seg_leaf)), root, seg, str(tmp_path / 'lp'))
    probe = Runner.from_cfg(seg_cfg)
    probe.train()  # 64 px crops: off the 14 px grid, padded by the backbone
    state = probe.model.state_dict()
    for k, v in trained.items():
        assert torch.equal(state['backbone.' + k], v), k
    assert 0 <= probe.test()['mIoU'] <= 100


def _fine_tune_with_the_decoder(runner, args, width, vit, root, tmp_path):
    """Into the composed MoCoFCN FT-100% leaf of its backbone (shrunk alike; the tiny ViT has 2
    blocks): backbone and decoder convert, only conv_seg is new; fine-tuning groups the
    parameters by timm's layers (AdamW, each group's lr = 1e-4 x decay ** (L + 1 - depth))."""
    seg_leaf = tmp_path / 'seg_leaf.py'
    layers = 2 if vit else 5
    seg_leaf.write_text(
        f"_base_ = '{seg_file('mocofcn', SEG_DEC['vit' if vit else 'convnext'], 'ft100', 'voc')}'\n"
        f"model = dict(backbone=dict({args!r}), decode_head=dict(in_channels={width}))\n"
        f"optim_wrapper = dict(paramwise_cfg=dict(num_layers={layers}))\n")
    seg = _convert_into(seg_leaf, tmp_path)
    converted = torch.load(seg, map_location='cpu', weights_only=True)['state_dict']
    for k, v in runner.model.decoder.state_dict().items():
        assert torch.equal(converted['decode_head.' + k], v), k
    init_default_scope('mmseg')
    seg_cfg = small_seg_config(load_config(str(seg_leaf)), root, seg, str(tmp_path / 'ft'))
    tuned = Runner.from_cfg(seg_cfg)
    tuned.train()
    decay = 0.65 if vit else 0.9
    lrs = {g['group_name']: g['initial_lr'] for g in tuned.optim_wrapper.optimizer.param_groups}
    assert type(tuned.optim_wrapper.optimizer).__name__ == 'AdamW'
    assert lrs['layer_0_decay'] == pytest.approx(1e-4 * decay**(layers + 1))
    assert lrs[f'layer_{layers + 1}_decay'] == pytest.approx(1e-4)  # the decode head
    assert 0 <= tuned.test()['mIoU'] <= 100
