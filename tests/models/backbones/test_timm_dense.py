"""TimmDenseBackbone: registered for both scopes, the token maps of ViTs (patch 14 / 16, registers
dropped) and the stage maps of ConvNeXt equal an independent computation, every kept parameter
feeds an output, views off the patch grid are refused, a checkpoint loads in init_weights."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope

from ssl4dp_mm.models.algorithms.encoder_decoder_base import check_token_grid
from ssl4dp_mm.models.backbones import TimmDenseBackbone

VIT = dict(embed_dim=48, depth=3, num_heads=2)
CONVNEXT = dict(depths=(1, 1, 1, 1), dims=(8, 16, 24, 32))


def test_built_from_pretraining_and_segmentation_scopes():
    from mmseg.registry import MODELS as SEG
    from mmselfsup.registry import MODELS as SELFSUP
    init_default_scope('mmselfsup')
    a = SELFSUP.build(dict(type='mmseg.TimmDenseBackbone', model_name='vit_small_patch14_dinov2',
                           img_size=56, **VIT))
    init_default_scope('mmseg')
    b = SEG.build(dict(type='TimmDenseBackbone', model_name='convnext_tiny', **CONVNEXT))
    assert isinstance(a, TimmDenseBackbone) and isinstance(b, TimmDenseBackbone)


@pytest.mark.parametrize('name,prefix,patch', [('vit_small_patch14_dinov2', 1, 14),
                                               ('vit_small_patch14_reg4_dinov2', 5, 14),
                                               ('vit_small_patch16_dinov3', 5, 16)])
def test_vit_maps_are_the_normed_patch_tokens(name, prefix, patch):
    """``forward_features`` (all tokens, final norm) with the class token and registers cut off
    and the rest laid on the grid, at two sizes unlike the model's img_size."""
    model = TimmDenseBackbone(name, out_indices=(0, -1), **VIT).eval()
    assert model.out_indices == [0, 2] and model.strides == [patch, patch]
    assert model.patch_size == patch and model.model.num_prefix_tokens == prefix
    for h, w in ((4, 6), (7, 3)):
        x = torch.randn(2, 3, h * patch, w * patch)
        with torch.no_grad():
            first, last = model(x)  # blocks 0 and 2
            tokens = model.model.forward_features(x)  # 2x(prefix+h*w)x48
        want = tokens[:, prefix:].transpose(1, 2).reshape(2, 48, h, w)
        assert first.shape == last.shape == (2, 48, h, w)
        torch.testing.assert_close(last, want, rtol=1e-5, atol=1e-5)


def test_position_embedding_is_interpolated_to_each_grid():
    """DINOv2's stored 8 x 8 grid (a 112 px model) resized to a 4 x 6 input grid: bicubic,
    antialiased, the class token's position unchanged."""
    model = TimmDenseBackbone('vit_small_patch14_dinov2', img_size=112, **VIT)
    m = model.model
    with torch.no_grad():
        pos = m._pos_embed(torch.zeros(1, 4, 6, 48))  # NHWC patch tokens of zero -> 1x(1+24)x48
    stored = m.pos_embed[:, 1:].reshape(1, 8, 8, 48).permute(0, 3, 1, 2)
    grid = F.interpolate(stored, size=(4, 6), mode='bicubic', antialias=True, align_corners=False)
    torch.testing.assert_close(pos[:, 1:], grid.flatten(2).transpose(1, 2))
    torch.testing.assert_close(pos[:, :1], m.cls_token + m.pos_embed[:, :1])


@pytest.mark.parametrize('norm', [True, False])
def test_an_inner_block_with_and_without_the_final_norm(norm):
    """Blocks 0-1 of three by hand (position embedding, blocks, final norm or not); the blocks
    after the output and, without ``norm``, the final norm are removed."""
    model = TimmDenseBackbone('vit_small_patch14_dinov2', out_indices=(1, ), norm=norm, **VIT)
    keys = list(model.state_dict())
    assert not any(k.startswith('model.blocks.2.') for k in keys)
    assert any(k.startswith('model.blocks.1.') for k in keys)
    assert any(k.startswith('model.norm.') for k in keys) == norm
    x = torch.randn(1, 3, 56, 56)
    with torch.no_grad():
        (out, ) = model(x)
        m = model.model
        tokens = m.blocks(m._pos_embed(m.patch_embed(x)))  # 1x(1+16)x48
        if norm:
            tokens = F.layer_norm(tokens, (48, ), m.norm.weight, m.norm.bias, 1e-6)
    torch.testing.assert_close(out, tokens[:, 1:].transpose(1, 2).reshape(1, 48, 4, 4))


@pytest.mark.parametrize('name,kwargs,out_indices', [
    ('vit_small_patch14_reg4_dinov2', VIT, (-1, )),
    ('vit_small_patch16_dinov3', VIT, (0, -1)),
    ('convnext_tiny', CONVNEXT, (-1, )),
    ('convnext_tiny', CONVNEXT, (1, 2)),
])
def test_every_parameter_feeds_an_output(name, kwargs, out_indices):
    model = TimmDenseBackbone(name, out_indices=out_indices, **kwargs)
    sum(f.square().mean() for f in model(torch.randn(2, 3, 112, 112))).backward()
    idle = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.abs().sum()]
    assert not idle


def test_convnext_stage_maps_and_final_norm():
    model = TimmDenseBackbone('convnext_tiny', out_indices=(0, 1, 2, 3), **CONVNEXT).eval()
    assert model.strides == [4, 8, 16, 32] and model.out_channels == [8, 16, 24, 32]
    assert model.patch_size is None and model.head_norm_applied
    x = torch.randn(2, 3, 96, 64)
    with torch.no_grad():
        maps = model(x)
        m = model.model
        y = m.stem(x)
        stages = []
        for stage in m.stages:
            y = stage(y)
            stages.append(y)
    assert [tuple(f.shape[2:]) for f in maps] == [(24, 16), (12, 8), (6, 4), (3, 2)]
    for ours, want in zip(maps[:3], stages[:3]):
        torch.testing.assert_close(ours, want)
    norm = m.head.norm  # ConvNeXt's final LayerNorm over channels, on the last stage only
    want = F.layer_norm(stages[3].permute(0, 2, 3, 1), (32, ), norm.weight, norm.bias, norm.eps)
    torch.testing.assert_close(maps[3], want.permute(0, 3, 1, 2))
    # the stride-16 stage alone: the last stage and the head are gone
    cut = TimmDenseBackbone('convnext_tiny', out_indices=(2, ), **CONVNEXT)
    assert not cut.head_norm_applied
    assert not any(k.startswith(('model.stages.3.', 'model.head.')) for k in cut.state_dict())


def test_views_off_the_patch_grid_are_refused():
    model = TimmDenseBackbone('vit_small_patch14_dinov2', **VIT)
    check_token_grid(model, torch.zeros(1, 3, 56, 70))
    with pytest.raises(ValueError, match='not a multiple of the ViT patch size 14'):
        check_token_grid(model, torch.zeros(1, 3, 64, 64))


def test_checkpoint_loads_in_init_weights(tmp_path):
    source = TimmDenseBackbone('vit_small_patch14_dinov2', img_size=56, **VIT)
    path = str(tmp_path / 'run.pth')
    # a run of ours: backbone.model.* beside other modules' keys
    torch.save({'state_dict': {**{'backbone.' + k: v for k, v in source.state_dict().items()},
                               'neck.fc.weight': torch.zeros(2)}}, path)
    torch.manual_seed(3)
    model = TimmDenseBackbone('vit_small_patch14_dinov2', img_size=56, checkpoint=path, **VIT)
    assert not torch.equal(model.model.cls_token, source.model.cls_token)
    model.init_weights()
    assert model.is_init
    for k, v in source.state_dict().items():
        assert torch.equal(model.state_dict()[k], v), k
