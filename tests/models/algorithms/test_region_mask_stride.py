"""Region methods sample their masks on the grid they pool them on.

``SampleMaskIds`` counts a region as present in a view when it owns a cell of the mask brought to
``(H // feat_stride, W // feat_stride)``; RLMoCo and DetCon bring the masks to the h x w of the map
they pool (the decoder's output w/dec, the backbone's w/o). The two grids must be one: 8 for the
backbone and the stride-8 decoders, 4 for DeepLabv3+ (the stage-1 skip), at every scale. Sampled
at stride 8 for a stride-4 map, the ids would miss the regions too small for an 8 x 8 cell, which
the model could pool, and count regions present by the wrong rule.
"""
import glob
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import DATASETS, MODELS, TRANSFORMS

from ssl4dp_mm.models.utils.mask_pooling import downsample_mask_ids, pool_regions
from tests.conftest import ROOT, load_config


def _rel(pattern):
    return sorted(osp.relpath(p, osp.join(ROOT, 'configs'))
                  for p in glob.glob(osp.join(ROOT, 'configs', 'selfsup', pattern)))


# the ResNet-18-d8 / -50 configs (the ViT ones beside them: test_vit_configs.py)
TOY = _rel('rlmoco/*_r18-*_toyscenes*.py') + _rel('detcon/*_r18-*_toyscenes*.py')
REFERENCE = _rel('rlmoco/*_from-mocov2.py') + _rel('detcon/*_from-mocov2.py')
CAMVID = _rel('rlmoco/*_r18-*_camvid.py') + _rel('detcon/*_r18-*_camvid.py')
TOY_DLV3P = [p for p in TOY if '-dlv3p_' in p]


def decoder_of(rel: str):
    """'dlv3p' for ``rlmoco_r18-d8-dlv3p_1xb8-...``, None w/o dec."""
    return osp.basename(rel).split('_')[1].partition('-d8-')[2] or None


def sampling_of(cfg):
    """The one SampleMaskIds config of the training pipeline (also inside nested datasets)."""
    found = []

    def walk(obj):
        if isinstance(obj, dict):
            if obj.get('type') == 'SampleMaskIds':
                found.append(obj)
            for v in obj.values():
                walk(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v)

    walk(cfg.train_dataloader)
    (sampling, ) = found
    return sampling


def test_configs_found():
    # toy: see test_region_configs.py; reference: RLMoCo, DetCon-S, DetCon-B w/o dec and with
    # MoCoFCN, DeepLabv3+, Non-local, PSPNet-256 on VOC aug and Cityscapes; CamVid: the three w/dec
    # with MoCoFCN and the three new decoders
    assert (len(TOY), len(REFERENCE), len(CAMVID)) == (25, 30, 12)
    assert len(TOY_DLV3P) == 3
    assert sum('-dlv3p_' in p for p in REFERENCE + CAMVID) == 6 + 3


@pytest.mark.parametrize('cfg_path', TOY + CAMVID + REFERENCE)
def test_sampling_stride_is_the_output_stride_of_the_pooled_map(cfg_path):
    cfg = load_config(cfg_path)
    stride = sampling_of(cfg).feat_stride
    assert stride == (4 if decoder_of(cfg_path) == 'dlv3p' else 8)
    if 'queue_len' in cfg.model:  # RLMoCo
        cfg.model.queue_len = 16
    init_default_scope('mmselfsup')
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        feats = model.encode(torch.zeros(1, 3, 64, 96))
    assert tuple(feats.shape[-2:]) == (64 // stride, 96 // stride)


@pytest.mark.parametrize('cfg_path', TOY_DLV3P)
def test_dlv3p_masks_and_decoder_output_have_the_same_size(cfg_path, toy_root):
    """On real views of the toy scenes: the grid the ids were sampled on is the decoder output's
    h x w, the regions present on it are exactly those the model finds on its map, and every
    sampled id pools at least one cell of its view."""
    cfg = load_config(cfg_path, toy_root)
    if 'queue_len' in cfg.model:
        cfg.model.queue_len = 16
    init_default_scope('mmselfsup')
    model = MODELS.build(cfg.model).eval()
    sampler = TRANSFORMS.build(sampling_of(cfg))
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    for index in range(4):
        sample = dataset[index]
        views = torch.stack(sample['inputs']).float() / 255  # Vx3xHxW
        masks, ids = sample['data_samples'].masks, sample['data_samples'].mask_ids  # VxHxW, VxM
        with torch.no_grad():
            feats = model.encode(views)  # VxCxhxw
        height, width = masks.shape[-2:]
        assert (tuple(feats.shape[-2:])
                == (height // sampler.feat_stride, width // sampler.feat_stride)
                == (height // 4, width // 4))
        for v in range(len(views)):
            id_map = downsample_mask_ids(masks[v:v + 1], feats.shape[-2:])[0]  # hxw, as pooled
            on_map = set(torch.unique(id_map[id_map >= 0]).tolist())
            assert set(sampler.present_ids(masks[v].numpy()).tolist()) == on_map
            _, valid = pool_regions(feats[v:v + 1], masks[v:v + 1], ids[v:v + 1])  # 1xM
            assert valid[0][ids[v] >= 0].all()
