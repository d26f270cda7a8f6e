"""Every toy region-level config builds its model and yields packed views, masks and sampled ids."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import DATASETS, MODELS

from tests.conftest import ROOT, load_config

CONFIGS = sorted(
    osp.relpath(p, osp.join(ROOT, 'configs')) for d in ('rlmoco', 'detcon')
    for p in glob.glob(osp.join(ROOT, 'configs', 'selfsup', d, '*_r18-*toyscenes*.py')))


def test_configs_found():
    # RLMoCo w/ and w/o dec; DetCon-S/B w/ and w/o dec, grid and GT masks; the ablations
    # (96 px, single view, 1/128 negatives, shared ids) of DetCon-S and DetCon-B; RLMoCo and
    # DetCon-S/B with the DeepLabv3+, Non-local and PSPNet-256 decoders
    assert len(CONFIGS) == 16 + 9, CONFIGS


@pytest.mark.parametrize('cfg_path', CONFIGS)
def test_config_builds_and_packs_masks(cfg_path, toy_root):
    cfg = load_config(cfg_path, toy_root)
    init_default_scope('mmselfsup')
    model = MODELS.build(cfg.model)
    decoder = osp.basename(cfg_path).split('_')[1].partition('-d8-')[2] or None
    assert model.with_decoder == (decoder is not None)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    sample = dataset[0]
    views, ds = sample['inputs'], sample['data_samples']
    size = 96 if '96px' in cfg_path else 64
    assert len(views) == 2 and views[0].shape == (3, size, size)
    assert ds.masks.shape == (2, size, size) and ds.mask_ids.shape == (2, 16)
    # the sampled ids are regions of each view's mask
    for v in range(2):
        assert set(ds.mask_ids[v].tolist()) <= set(torch.unique(ds.masks[v]).tolist())
    sampling = [t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'SampleMaskIds'][0]
    # ids are drawn among the masks present at the map's stride: 4 for DeepLabv3+, else 8
    assert sampling.feat_stride == (4 if decoder == 'dlv3p' else 8)
    # DetCon samples each view on its own (the reference's default); RLMoCo, the single-view
    # ablation and the shared-ids option draw once for both views
    assert sampling.per_view == ('detcon' in cfg_path and '1view' not in cfg_path
                                 and 'sharedids' not in cfg_path)
    if '1view' in cfg_path:  # one augmentation, seen twice
        assert torch.equal(views[0], views[1]) and torch.equal(ds.masks[0], ds.masks[1])
