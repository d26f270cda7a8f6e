"""Every dense method on the timm backbones: each toy ViT pre-training config (PLMoCo, PLMoCo+,
PLSiam, PRCL, DetCon-S, DetCon-B, w/o and w/dec, and MoCo w/o dec) with its encoder swapped for a
``TimmDenseBackbone`` (a small DINOv2-layout ViT/14, a small ConvNeXt at stride 32) trains two
iterations on the toy scenes: finite losses, the timm backbone and the method's heads move, DetCon
samples its masks at the timm backbone's stride."""
import math

import pytest
import torch
from mmengine.registry import init_default_scope

from ssl4dp_mm.benchmarking.small_pretrain import walk_dicts
from tests.conftest import load_config, train_few_iters
from tests.models.algorithms.test_vit_configs import TOY

VIT_WIDTH = 192  # the ViT-T/16 of the toy configs
# kind -> (backbone dict, width, stride, view size: a multiple of the stride giving 8 x 8 or
# 4 x 4 cells)
TIMM = {
    'vit14': (dict(type='mmseg.TimmDenseBackbone', model_name='vit_small_patch14_dinov2',
                   img_size=518, embed_dim=48, depth=2, num_heads=2), 48, 14, 112),
    'convnext': (dict(type='mmseg.TimmDenseBackbone', model_name='convnext_tiny',
                      dims=(8, 16, 24, 32), depths=(1, 1, 2, 1)), 32, 32, 128),
}


def timm_config(cfg_path: str, kind: str, data_root: str):
    """The toy ViT config with the timm backbone: the encoder, the widths read from it (the
    ViT's 192), the view size and DetCon's mask stride."""
    backbone, width, stride, view = TIMM[kind]
    cfg = load_config(cfg_path, data_root)
    cfg.model.backbone = dict(backbone)

    def timm_sizes(node):
        if node.get('in_channels') == VIT_WIDTH:
            node['in_channels'] = width
        if node.get('type') == 'SampleMaskIds':
            node['feat_stride'] = stride
        if node.get('size') == 128 and 'Crop' in str(node.get('type')):
            node['size'] = view

    walk_dicts(cfg.model, timm_sizes)
    walk_dicts(cfg.train_dataloader, timm_sizes)
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg.model:
            cfg.model[key] = 64
    return cfg


@pytest.mark.parametrize('kind', sorted(TIMM))
@pytest.mark.parametrize('cfg_path', TOY)
def test_method_trains_on_a_timm_backbone(cfg_path, kind, toy_root, tmp_path):
    cfg = timm_config(cfg_path, kind, toy_root)
    init_default_scope('mmselfsup')
    runner = train_few_iters(cfg, tmp_path, iters=2)
    model = runner.model
    assert type(model.backbone).__name__ == 'TimmDenseBackbone'
    assert model.backbone.strides == [TIMM[kind][2]]
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    state = model.state_dict()
    heads = [p for p in ('neck.', 'img_neck.', 'decoder.', 'head.', 'predictor.')
             if any(k.startswith(p) for k in state)]
    for prefix in ['backbone.model.'] + heads:
        keys = [k for k in state if k.startswith(prefix) and k.endswith('weight')]
        moved = [not torch.equal(state[k], runner.initial_state[k]) for k in keys]
        assert keys and any(moved), prefix
    masks = [t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'SampleMaskIds']
    assert all(t.feat_stride == TIMM[kind][2] for t in masks)
    assert bool(masks) == cfg_path.split('/')[-1].startswith('detcon')
