"""Every config under configs/ (except _base_) loads, names the plugin in its custom_imports (as
``mim train`` needs) and builds its model and training pipeline.

The list is walked when the tests are collected, so configs added later are picked up too.
Pre-training configs build in MMSelfSup's scope, segmentation configs in MMSegmentation's.
"""
import glob
import os.path as osp

import pytest
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.conftest import config_path

ROOT = config_path()
CONFIGS = sorted(
    osp.relpath(p, ROOT) for p in glob.glob(osp.join(ROOT, '**', '*.py'), recursive=True)
    if '_base_' not in osp.relpath(p, ROOT).split(osp.sep))


def registries(scope: str):
    if scope == 'mmseg':
        from mmseg.registry import MODELS, TRANSFORMS
    else:
        from mmselfsup.registry import MODELS, TRANSFORMS
    return MODELS, TRANSFORMS


def scope_of(rel_path: str, cfg: Config) -> str:
    scope = cfg.get('default_scope')
    if scope is None:
        scope = 'mmseg' if rel_path.split(osp.sep)[0] == 'seg' else 'mmselfsup'
    assert scope in ('mmseg', 'mmselfsup'), f'{rel_path}: unexpected default_scope {scope!r}'
    return scope


def test_the_walk_finds_configs():
    assert CONFIGS, f'no configs found under {ROOT}'
    tops = {p.split(osp.sep)[0] for p in CONFIGS}
    assert {'selfsup', 'seg'} <= tops, tops


@pytest.mark.parametrize('rel_path', CONFIGS)
def test_config_builds(rel_path):
    cfg = Config.fromfile(osp.join(ROOT, rel_path))
    # tools/train.py imports the package itself; mim train only what the config names
    assert 'ssl4dp_mm' in cfg.get('custom_imports', {}).get('imports', []), \
        f'{rel_path}: custom_imports must name ssl4dp_mm (mim train imports nothing else)'
    scope = scope_of(rel_path, cfg)
    models, transforms = registries(scope)
    with DefaultScope.overwrite_default_scope(scope):
        model = models.build(cfg.model)
        assert sum(p.numel() for p in model.parameters()) > 0
        dataset = cfg.get('train_dataloader', {}).get('dataset', {})
        pipeline = dataset.get('pipeline')
        if pipeline:
            assert len(Compose([transforms.build(t) for t in pipeline]).transforms) == len(pipeline)
