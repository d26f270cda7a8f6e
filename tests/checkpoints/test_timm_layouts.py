"""DINOv2, DINOv3, ConvNeXt and timm checkpoints load into TimmDenseBackbone key for key: every
backbone tensor comes from the file (checked against the official names, not timm's mapping), the
DINOv2 and ConvNeXt maps equal the official forward's, position embeddings are resized for another
grid, and sizes that do not fit are refused naming the key."""
import pytest
import torch
import torch.nn.functional as F

from ssl4dp_mm.checkpoints.timm_layouts import detect_timm_layout, timm_prefix
from ssl4dp_mm.models.backbones import TimmDenseBackbone
from tests.checkpoints.timm_checkpoints import (DinoV2Replica, DinoV3ConvNeXtReplica, DinoV3Replica,
                                                dinov2_expected, state_of)

VIT = dict(embed_dim=48, depth=2, num_heads=2)
CONVNEXT = dict(depths=(1, 1, 2, 1), dims=(8, 16, 24, 32))


def backbone(name, **kwargs):
    torch.manual_seed(123)  # timm's initialisation: far from every file tensor
    return TimmDenseBackbone(name, **kwargs)


def load(model, state, tmp_path):
    path = str(tmp_path / 'ckpt.pth')
    torch.save(state, path)
    layout = model.load_checkpoint(path)
    return layout, {k[len('model.'):]: v for k, v in model.state_dict().items()}


def assert_all_from(loaded, expected):
    """Every backbone tensor is the file's (``expected``: timm name -> tensor from the file)."""
    assert set(loaded) == set(expected)
    for k, v in loaded.items():
        assert torch.equal(v, expected[k]), k


@pytest.mark.parametrize('registers', [0, 4])
def test_dinov2_loads_key_for_key_and_computes_the_official_map(registers, tmp_path):
    replica = DinoV2Replica(grid=8, registers=registers)
    ckpt = state_of(replica, seed=1)
    name = 'vit_small_patch14_reg4_dinov2' if registers else 'vit_small_patch14_dinov2'
    model = backbone(name, img_size=112, **VIT)
    layout, loaded = load(model, ckpt, tmp_path)
    assert layout == 'dinov2'
    assert_all_from(loaded, dinov2_expected(ckpt))
    x = torch.randn(2, 3, 112, 112)
    with torch.no_grad():
        (ours, ) = model(x)
        want = replica.patch_tokens(x)  # 2x48x8x8
    assert ours.shape == want.shape == (2, 48, 8, 8)
    torch.testing.assert_close(ours, want, rtol=1e-4, atol=1e-5)


def test_dinov2_position_grid_is_resized_to_the_model(tmp_path):
    ckpt = state_of(DinoV2Replica(grid=37), seed=2)  # the released 518 px grid
    model = backbone('vit_small_patch14_dinov2', img_size=224, **VIT)  # 16 x 16
    _, loaded = load(model, ckpt, tmp_path)
    grid = ckpt['pos_embed'][:, 1:].reshape(1, 37, 37, 48).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(16, 16), mode='bicubic', antialias=True, align_corners=False)
    want = torch.cat([ckpt['pos_embed'][:, :1], grid.flatten(2).transpose(1, 2)], dim=1)
    torch.testing.assert_close(loaded['pos_embed'], want, rtol=1e-5, atol=1e-6)
    expected = dinov2_expected(ckpt)
    expected['pos_embed'] = loaded['pos_embed']
    assert_all_from(loaded, expected)
    for size in ((224, 224), (112, 168)):  # interpolated again at run time, to every input
        (out, ) = model(torch.randn(1, 3, *size))
        assert out.shape == (1, 48, size[0] // 14, size[1] // 14)


def dinov3_expected(ckpt, with_bias, depth=2, dim=48):
    out = {'cls_token': ckpt['cls_token'], 'reg_token': ckpt['storage_tokens'],
           'patch_embed.proj.weight': ckpt['patch_embed.proj.weight'],
           'patch_embed.proj.bias': ckpt['patch_embed.proj.bias'],
           'norm.weight': ckpt['norm.weight'], 'norm.bias': ckpt['norm.bias']}
    for i in range(depth):
        b = f'blocks.{i}.'
        for part in ('norm1', 'attn.proj', 'norm2', 'mlp.fc1', 'mlp.fc2'):
            for kind in ('weight', 'bias'):
                out[b + f'{part}.{kind}'] = ckpt[b + f'{part}.{kind}']
        out[b + 'attn.qkv.weight'] = ckpt[b + 'attn.qkv.weight']
        out[b + 'gamma_1'] = ckpt[b + 'ls1.gamma']
        out[b + 'gamma_2'] = ckpt[b + 'ls2.gamma']
        if with_bias:  # q and v thirds; the k third is masked to zero in DINOv3
            out[b + 'attn.q_bias'] = ckpt[b + 'attn.qkv.bias'][:dim]
            out[b + 'attn.v_bias'] = ckpt[b + 'attn.qkv.bias'][2 * dim:]
    return out


def test_dinov3_vit_loads_key_for_key_and_computes_the_official_map(tmp_path):
    replica = DinoV3Replica()
    ckpt = state_of(replica, seed=3)
    assert {'rope_embed.periods', 'blocks.0.attn.qkv.bias_mask', 'mask_token'} <= set(ckpt)
    model = backbone('vit_small_patch16_dinov3_qkvb', **VIT)
    layout, loaded = load(model, ckpt, tmp_path)
    assert layout == 'dinov3'
    assert_all_from(loaded, dinov3_expected(ckpt, with_bias=True))
    replica.load_state_dict(ckpt)
    model.eval()
    for size in ((64, 96), (112, 112)):  # RoPE at any grid; storage tokens dropped
        x = torch.randn(2, 3, *size)
        with torch.no_grad():
            (ours, ) = model(x)
            want = replica.patch_tokens(x)  # 2x48x(H/16)x(W/16)
        assert ours.shape == want.shape == (2, 48, size[0] // 16, size[1] // 16)
        torch.testing.assert_close(ours, want, rtol=1e-4, atol=1e-5)
    # the map depends on the angles: periods of another RoPE base change it
    with torch.no_grad():
        replica.rope_embed.periods.mul_(2)
        assert not torch.allclose(model(x)[0], replica.patch_tokens(x), atol=1e-5)


def test_dinov3_rope_periods_that_do_not_fit_are_refused(tmp_path):
    ckpt = state_of(DinoV3Replica(), seed=6)
    ckpt['rope_embed.periods'] = ckpt['rope_embed.periods'] * 2  # another RoPE base
    with pytest.raises(ValueError, match=r"'rope_embed\.periods' .* differs from the RoPE "
                       r'periods'):
        load(backbone('vit_small_patch16_dinov3_qkvb', **VIT), ckpt, tmp_path)


def test_dinov3_zero_qv_bias_loads_into_the_model_without_one(tmp_path):
    ckpt = state_of(DinoV3Replica(), seed=4, zero_qv_bias=True)
    _, loaded = load(backbone('vit_small_patch16_dinov3', **VIT), ckpt, tmp_path)
    assert_all_from(loaded, dinov3_expected(ckpt, with_bias=False))
    ckpt['blocks.1.attn.qkv.bias'][0] = 0.5  # a q bias the model could not hold
    with pytest.raises(ValueError, match=r"'blocks\.1\.attn\.qkv\.bias' has a non-zero q / v "
                       r'bias .* _qkvb'):
        load(backbone('vit_small_patch16_dinov3', **VIT), ckpt, tmp_path)


def test_dinov3_convnext_loads_key_for_key_and_computes_the_official_map(tmp_path):
    replica = DinoV3ConvNeXtReplica()
    ckpt = state_of(replica, seed=5)
    assert torch.equal(ckpt['norms.3.weight'], ckpt['norm.weight'])
    model = backbone('convnext_tiny', **CONVNEXT)
    layout, loaded = load(model, ckpt, tmp_path)
    assert layout == 'convnext'
    expected = {'stem.0.weight': ckpt['downsample_layers.0.0.weight'],
                'stem.0.bias': ckpt['downsample_layers.0.0.bias'],
                'stem.1.weight': ckpt['downsample_layers.0.1.weight'],
                'stem.1.bias': ckpt['downsample_layers.0.1.bias'],
                'head.norm.weight': ckpt['norm.weight'], 'head.norm.bias': ckpt['norm.bias']}
    for s, n in enumerate(CONVNEXT['depths']):
        if s:
            for j in (0, 1):
                for kind in ('weight', 'bias'):
                    expected[f'stages.{s}.downsample.{j}.{kind}'] = \
                        ckpt[f'downsample_layers.{s}.{j}.{kind}']
        for m in range(n):
            ours, theirs = f'stages.{s}.blocks.{m}.', f'stages.{s}.{m}.'
            expected[ours + 'gamma'] = ckpt[theirs + 'gamma']
            for a, b in (('conv_dw', 'dwconv'), ('norm', 'norm'), ('mlp.fc1', 'pwconv1'),
                         ('mlp.fc2', 'pwconv2')):
                for kind in ('weight', 'bias'):
                    expected[f'{ours}{a}.{kind}'] = ckpt[f'{theirs}{b}.{kind}']
    assert_all_from(loaded, expected)
    x = torch.randn(2, 3, 96, 64)
    with torch.no_grad():
        (ours, ) = model(x)
        want = replica.patch_tokens(x)  # 2x32x3x2
    assert ours.shape == want.shape == (2, 32, 3, 2)
    torch.testing.assert_close(ours, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('name,kwargs', [('vit_small_patch14_reg4_dinov2', VIT),
                                         ('vit_small_patch16_dinov3', VIT),
                                         ('convnext_tiny', CONVNEXT)])
def test_timm_state_dicts_load_and_their_classifier_is_dropped(name, kwargs, tmp_path):
    import timm
    torch.manual_seed(7)
    source = timm.create_model(name, num_classes=10, **kwargs)  # another init than the backbone
    ckpt = {k: v.clone() for k, v in source.state_dict().items()}
    layout, loaded = load(backbone(name, **kwargs), ckpt, tmp_path)
    assert layout == 'timm'
    classifier = [k for k in ckpt if k not in loaded]
    assert classifier and all(k.startswith('head.') for k in classifier)
    assert_all_from(loaded, {k: ckpt[k] for k in loaded})


@pytest.mark.parametrize('wrap,prefix', [(lambda s: s, ''),
                                         (lambda s: {'module.' + k: v for k, v in s.items()},
                                          'module.'),
                                         (lambda s: {'model': {**{'teacher.backbone.' + k: v
                                                                  for k, v in s.items()},
                                                               **{'student.backbone.' + k: v + 1
                                                                  for k, v in s.items()}}},
                                          'teacher.backbone.')])
def test_prefixes_of_training_checkpoints(wrap, prefix, tmp_path):
    ckpt = state_of(DinoV2Replica(), seed=6)
    wrapped = wrap(ckpt)
    inner = wrapped.get('model', wrapped)
    assert timm_prefix(inner) == prefix
    assert detect_timm_layout(k[len(prefix):] for k in inner) == 'dinov2'
    _, loaded = load(backbone('vit_small_patch14_dinov2', img_size=112, **VIT), wrapped, tmp_path)
    assert_all_from(loaded, dinov2_expected(ckpt))  # the teacher, not the student


def test_pruned_blocks_and_norm_are_dropped_from_the_file(tmp_path):
    ckpt = state_of(DinoV2Replica(depth=3), seed=8)
    model = backbone('vit_small_patch14_dinov2', img_size=112, out_indices=(0, ), norm=False,
                     embed_dim=48, depth=3, num_heads=2)
    _, loaded = load(model, ckpt, tmp_path)
    assert not any(k.startswith(('blocks.1.', 'blocks.2.', 'norm.')) for k in loaded)
    expected = dinov2_expected(ckpt, depth=1)
    assert_all_from(loaded, {k: v for k, v in expected.items() if not k.startswith('norm.')})


@pytest.mark.parametrize('make,name,kwargs,message', [
    (lambda: DinoV2Replica(dim=96), 'vit_small_patch14_dinov2', VIT,
     r"width mismatch at 'patch_embed\.proj\.weight': checkpoint 96 channels"),
    (lambda: DinoV2Replica(patch=16), 'vit_small_patch14_dinov2', VIT,
     r"patch size mismatch at 'patch_embed\.proj\.weight': checkpoint 16x16, .* 14x14"),
    (lambda: DinoV2Replica(depth=3), 'vit_small_patch14_dinov2', VIT,
     r"depth mismatch: the checkpoint has 3 blocks, .* 2 \(first unmatched: 'blocks\.2'\)"),
    (lambda: DinoV2Replica(registers=4), 'vit_small_patch14_dinov2', VIT,
     r"has 4 register tokens \('register_tokens'\) and .* has none: .*_reg4_"),
    (lambda: DinoV2Replica(), 'vit_small_patch14_reg4_dinov2', VIT,
     r"has no register tokens \('register_tokens'\)"),
    (lambda: DinoV3Replica(storage=2), 'vit_small_patch16_dinov3_qkvb', VIT,
     r"shape mismatch at 'reg_token' .* checkpoint \(1, 2, 48\)"),
    (lambda: DinoV3ConvNeXtReplica(dims=(8, 16, 24, 40)), 'convnext_tiny', CONVNEXT,
     r"width mismatch at 'downsample_layers\.3\.1\.weight' "
     r"\(timm 'stages\.3\.downsample\.1\.weight'\)"),
    (lambda: DinoV3ConvNeXtReplica(depths=(1, 1, 3, 1)), 'convnext_tiny', CONVNEXT,
     r"depth mismatch in stage 2: the checkpoint has 3 blocks, .* 2 "
     r"\(first unmatched: 'stages\.2\.2'\)"),
])
def test_sizes_that_do_not_fit_are_refused_naming_the_key(make, name, kwargs, message, tmp_path):
    extra = dict(img_size=112) if 'dinov2' in name else {}
    with pytest.raises(ValueError, match=message):
        load(backbone(name, **kwargs, **extra), state_of(make()), tmp_path)


def test_unknown_keys_and_non_backbones_are_refused(tmp_path):
    ckpt = state_of(DinoV2Replica(), seed=9)
    ckpt['blocks.0.attn.extra'] = torch.zeros(3)
    model = backbone('vit_small_patch14_dinov2', img_size=112, **VIT)
    with pytest.raises(ValueError, match=r"checkpoint key 'blocks\.0\.attn\.extra'"):
        load(model, ckpt, tmp_path)
    with pytest.raises(ValueError, match=r'no ViT or ConvNeXt backbone found .* first keys: '
                       r'conv1\.weight'):
        load(model, {'conv1.weight': torch.zeros(1), 'layer1.0.conv1.weight': torch.zeros(1)},
             tmp_path)
