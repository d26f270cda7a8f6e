"""timm / DINO ViT checkpoints: detected, mapped to MMSeg's VisionTransformer names exactly as
MMSeg's own ``vit2mmseg.py`` maps them, loadable key for key, and refused with the setting to
change when depth, width or patch size differ."""
import importlib.util
import os.path as osp

import mmseg
import pytest
import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from ssl4dp_mm.checkpoints.layouts import detect_layout, state_dict_of, to_backbone_layout
from ssl4dp_mm.checkpoints.vit_layouts import fit_vit, timm_key_to_mmseg, vit_grid
from tests.checkpoints.vit_checkpoints import (dino_backbone_release, dino_training_checkpoint,
                                               timm_vit_state)
from tests.conftest import load_config

VIT2MMSEG = osp.join(osp.dirname(mmseg.__file__), '.mim', 'tools', 'model_converters',
                     'vit2mmseg.py')


def mmseg_convert_vit():
    """``convert_vit`` of the installed MMSeg's tools/model_converters/vit2mmseg.py."""
    spec = importlib.util.spec_from_file_location('vit2mmseg', VIT2MMSEG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.convert_vit


def mmseg_vit(**overrides):
    init_default_scope('mmseg')
    cfg = load_config('_base_/models/vit-t16.py').vit_backbone
    cfg.pop('_delete_')
    cfg.update(overrides)
    return MODELS.build(cfg)


def test_layouts_are_detected():
    timm = timm_vit_state(depth=2)
    assert detect_layout(timm) == 'timm'
    assert detect_layout(dino_backbone_release(depth=2)) == 'timm'  # DINO's released .pth
    ckpt = dino_training_checkpoint(depth=2)
    teacher = state_dict_of(ckpt)  # DINO evaluates its teacher
    assert teacher is ckpt['teacher'] and detect_layout(teacher) == 'dino'
    assert detect_layout(ckpt['student']) == 'dino'  # module.backbone.*
    # our own ViT checkpoints (MMSeg names) stay ours
    own = {'backbone.' + k: v for k, v in mmseg_vit(num_layers=1, out_indices=(0, ))
           .state_dict().items()}
    assert detect_layout(own) == 'mmselfsup'


@pytest.mark.parametrize('source', ['timm', 'dino-teacher', 'dino-student'])
def test_mapping_is_mmsegs_vit2mmseg(source):
    timm = timm_vit_state(depth=3)
    dino = dino_training_checkpoint(depth=3)
    state = {'timm': timm, 'dino-teacher': dino['teacher'], 'dino-student': dino['student']}[source]
    ours, layout = to_backbone_layout(state)
    assert layout == ('timm' if source == 'timm' else 'dino')
    theirs = {'backbone.' + k: v for k, v in mmseg_convert_vit()(timm).items()}  # drops head.*
    assert sorted(ours) == sorted(theirs)
    offset = 1 if source == 'dino-student' else 0  # the synthetic student is the teacher + 1
    for k in theirs:
        assert torch.equal(ours[k], theirs[k] + offset), k
    assert 'backbone.layers.2.attn.attn.in_proj_weight' in ours and 'backbone.ln1.bias' in ours


def test_mapped_weights_load_strictly_and_qkv_is_mha_order():
    timm = timm_vit_state(depth=2)
    mapped, _ = to_backbone_layout(timm)
    vit = mmseg_vit(num_layers=2, out_indices=(1, ))
    vit.load_state_dict({k[len('backbone.'):]: v for k, v in mapped.items()}, strict=True)
    # timm's fused qkv (rows q; k; v, then heads) computed by hand equals MMSeg's attention
    layer, dim, heads = vit.layers[0], 192, 3
    x = torch.randn(2, 5, dim)
    qkv = x @ timm['blocks.0.attn.qkv.weight'].T + timm['blocks.0.attn.qkv.bias']  # 2x5x3D
    q, k, v = qkv.reshape(2, 5, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)  # 2xHx5xd each
    attn = (q @ k.transpose(-2, -1) * (dim // heads)**-0.5).softmax(-1)
    out = (attn @ v).transpose(1, 2).reshape(2, 5, dim)
    out = out @ timm['blocks.0.attn.proj.weight'].T + timm['blocks.0.attn.proj.bias']
    mha = layer.attn.attn  # the nn.MultiheadAttention inside MMCV's wrapper
    seq = x if mha.batch_first else x.transpose(0, 1)
    with torch.no_grad():
        ref = mha(seq, seq, seq, need_weights=False)[0]
    ref = ref if mha.batch_first else ref.transpose(0, 1)
    torch.testing.assert_close(ref, out, atol=1e-5, rtol=1e-4)


def test_keys_without_a_counterpart_are_named():
    with pytest.raises(ValueError, match=r"'blocks\.0\.ls1\.gamma' has no counterpart"):
        timm_key_to_mmseg('blocks.0.ls1.gamma')  # DINOv2's LayerScale
    assert timm_key_to_mmseg('head.weight') is None and timm_key_to_mmseg('fc_norm.bias') is None


def fit(ckpt_state, **model_overrides):
    vit = mmseg_vit(**model_overrides)
    model_state = {'backbone.' + k: v for k, v in vit.state_dict().items()}
    mapped, _ = to_backbone_layout(ckpt_state)
    return fit_vit(mapped, model_state, vit_grid(vit), source='ckpt.pth'), model_state


def test_sizes_that_do_not_fit_are_named():
    with pytest.raises(ValueError, match=r"depth mismatch.*12 transformer layers, the model 4 "
                       r".*'backbone\.layers\.4'.*num_layers=12"):
        fit(timm_vit_state(depth=12), num_layers=4, out_indices=(3, ))
    with pytest.raises(ValueError, match=r"width mismatch at 'backbone\.patch_embed\.projection"
                       r"\.weight'.*embed_dims 384, model 192.*embed_dims=384"):
        fit(timm_vit_state(depth=2, dim=384), num_layers=2, out_indices=(1, ))
    with pytest.raises(ValueError, match=r"patch size mismatch.*checkpoint 8x8, model 16x16.*"
                       r"patch_size=8"):
        fit(timm_vit_state(depth=2, patch=8), num_layers=2, out_indices=(1, ))
    with pytest.raises(ValueError, match=r"'backbone\.ln1\.weight'.*final_norm=True"):
        fit(timm_vit_state(depth=2), num_layers=2, out_indices=(1, ), final_norm=False)


def test_position_grid_is_resized_to_the_models():
    state = timm_vit_state(depth=2, grid=24)  # a 384 px checkpoint
    fitted, model_state = fit(state, num_layers=2, out_indices=(1, ))
    assert fitted['backbone.pos_embed'].shape == model_state['backbone.pos_embed'].shape == (
        1, 197, 192)
    torch.testing.assert_close(fitted['backbone.pos_embed'][:, 0], state['pos_embed'][:, 0])
    same, _ = fit(timm_vit_state(depth=2), num_layers=2, out_indices=(1, ))
    assert torch.equal(same['backbone.pos_embed'], timm_vit_state(depth=2)['pos_embed'])
