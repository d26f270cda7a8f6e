"""tools/precompute_masks.py writes the cache that the mask transform then reads."""
import os

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmselfsup.registry import DATASETS, TRANSFORMS

from ssl4dp_mm.datasets.transforms import mask_cache
from tests.conftest import load_config, load_tool

CFG = 'selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py'


def test_precompute_then_train_pipeline_reads_it(toy_root, tmp_path):
    tool = load_tool('precompute_masks')
    cfg = load_config(CFG, toy_root)
    cache = str(tmp_path / 'cache')
    report = tool.precompute(cfg, cache_dir=cache, img_root=toy_root, verbose=False)
    assert report['total'] == report['written'] == 16 and report['index'] == 1
    key = report['method_key']
    assert key == 'felzenszwalb_min_size64_scale64_sigma0.8'
    files = sorted(os.listdir(os.path.join(cache, key, 'img_dir', 'train')))
    assert len(files) == 16 and files[0] == 'scene_00000.png'
    # a second run finds everything cached
    assert tool.precompute(cfg, cache_dir=cache, img_root=toy_root, verbose=False)['skipped'] == 16

    # the cached masks equal freshly computed ones, and the pipeline reads them
    init_default_scope('mmselfsup')
    cfg.train_dataloader.dataset.pipeline[1].update(cache_dir=cache, img_root=toy_root)
    load, masks_t = [TRANSFORMS.build(c) for c in cfg.train_dataloader.dataset.pipeline[:2]]
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, pipeline=[]))
    info = dataset.get_data_info(3)
    results = load(dict(info))
    cached = masks_t(dict(results))['masks']
    np.testing.assert_array_equal(cached, masks_t.compute_from_results(results))
    path = masks_t.cache_file(info['img_path'])
    mask_cache.save_mask(path, np.zeros_like(cached))  # the pipeline must now see zeros
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert (dataset[3]['data_samples'].masks == 0).all()

    with pytest.raises(ValueError, match='cache directory'):
        tool.precompute(load_config(CFG, toy_root), verbose=False)
