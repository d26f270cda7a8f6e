"""Every region-level config builds its model and yields packed views, masks and sampled ids."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import DATASETS, MODELS

from tests.conftest import ROOT, load_config

CONFIGS = sorted(
    osp.relpath(p, osp.join(ROOT, 'configs')) for d in ('rlmoco', 'detcon')
    for p in glob.glob(osp.join(ROOT, 'configs', 'selfsup', d, '*.py')))


def test_configs_found():
    assert len(CONFIGS) == 8, CONFIGS


@pytest.mark.parametrize('cfg_path', CONFIGS)
def test_config_builds_and_packs_masks(cfg_path, toy_root):
    cfg = load_config(cfg_path, toy_root)
    init_default_scope('mmselfsup')
    model = MODELS.build(cfg.model)
    assert model.with_decoder == ('mocofcn' in cfg_path)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    sample = dataset[0]
    views, ds = sample['inputs'], sample['data_samples']
    assert len(views) == 2 and views[0].shape == (3, 64, 64)
    assert ds.masks.shape == (2, 64, 64) and ds.mask_ids.shape == (2, 16)
    # the sampled ids are regions of each view's mask
    for v in range(2):
        assert set(ds.mask_ids[v].tolist()) <= set(torch.unique(ds.masks[v]).tolist())
