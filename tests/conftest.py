"""Shared fixtures: tiny data and config helpers. Tests run on CPU with tiny models."""
import os
import os.path as osp
import sys

import pytest
from mmengine.registry import DefaultScope

import ssl4dp_mm  # noqa: F401  (shims + registries)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# Subprocesses (tools/dist_train.sh, torchrun) call `python`: make that this interpreter, also when
# the tests run as `.venv/bin/python -m pytest` without an activated environment.
os.environ['PATH'] = osp.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', '')
CAMVID_ROOT = osp.join(osp.dirname(ROOT), 'shared', 'datasets', 'camvid')
# The slow end-to-end runs beyond the default subset (every reference config at ResNet-50, the toy
# decoder variants after the first of each method): skipped unless selected with -m reference_full.
# Here, not in tests/reference/conftest.py, so that the marker skips wherever the tests are
# run from.
FULL = 'reference_full'


def pytest_configure(config):
    config.addinivalue_line(
        'markers', f'{FULL}: slow end-to-end runs beyond the default subset (every ResNet-50 '
        f'reference config; the toy decoder variants of every method): skipped unless selected '
        f'with -m {FULL}')


def pytest_collection_modifyitems(config, items):
    if FULL in (config.getoption('markexpr') or ''):
        return
    skip = pytest.mark.skip(reason=f'the whole end-to-end set runs with -m {FULL}')
    for item in items:
        if FULL in item.keywords:
            item.add_marker(skip)


def pytest_runtest_teardown(item):
    """Checkpoints a test wrote under its ``tmp_path`` are deleted when it ends (logs and configs
    stay for a look at a failure). pytest keeps every test's ``tmp_path`` until the session ends,
    and the ResNet-50 end-to-end runs write ~350 MB of checkpoints each: ``-m reference_full``
    (213 tests) filled a 75 GB disk before this."""
    tmp = getattr(item, 'funcargs', {}).get('tmp_path')
    if tmp is not None and osp.isdir(str(tmp)):
        for dirpath, _, files in os.walk(str(tmp)):
            for name in files:
                if name.endswith(('.pth', '.pth.tar', '.pt')):
                    os.remove(osp.join(dirpath, name))


def _keep_default_scope():
    """Remove the default-scope instances created while the caller yields (builds under 'mmseg'
    would otherwise change how later tests resolve unscoped type names)."""
    before = set(DefaultScope._instance_dict)
    yield
    for name in [n for n in DefaultScope._instance_dict if n not in before]:
        del DefaultScope._instance_dict[name]


@pytest.fixture(autouse=True, scope='module')
def restore_default_scope_of_module():
    """Each test module leaves mmengine's default scope as it found it: module- and class-scoped
    fixtures that build under a scope run outside every test's own restore."""
    yield from _keep_default_scope()


@pytest.fixture(autouse=True)
def restore_default_scope():
    """Each test leaves mmengine's default scope as it found it."""
    yield from _keep_default_scope()


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory):
    """A small toy-scenes dataset (16 train / 4 val images of 96x128), made once per session."""
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
    root = str(tmp_path_factory.mktemp('toy_scenes'))
    return make_toy_scenes(root, {'train': 16, 'val': 4}, seed=0)


@pytest.fixture(scope='session')
def camvid_root():
    """The real CamVid copy beside the project, or a skip with the reason."""
    if not osp.isdir(osp.join(CAMVID_ROOT, 'img_dir', 'train')):
        pytest.skip(f'real CamVid data not found at {CAMVID_ROOT} '
                    '(see ../shared/datasets/README.md)')
    return CAMVID_ROOT


def config_path(*parts) -> str:
    """Absolute path of a config under configs/."""
    return osp.join(ROOT, 'configs', *parts)


def seg_file(head: str, backbone: str, protocol: str, dataset: str) -> str:
    """Absolute path of the segmentation leaf ``tools/evaluate.py`` runs for a head, backbone,
    protocol and dataset: the file under configs/seg/, or the one composed from the manifest."""
    from ssl4dp_mm.evaluation.trained_config import leaf_config
    return leaf_config(head, protocol, dataset, backbone)


def load_config(rel_path: str, data_root: str = None, **overrides):
    """Config.fromfile with the data roots pointed at ``data_root`` and extra dotted overrides."""
    from mmengine.config import Config
    cfg = Config.fromfile(config_path(rel_path))
    opts = dict(overrides)
    if data_root is not None:
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(loader) is not None:
                opts[f'{loader}.dataset.data_root'] = data_root
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(loader) is not None:
            opts[f'{loader}.num_workers'] = 0
            opts[f'{loader}.persistent_workers'] = False
    cfg.merge_from_dict(opts)
    return cfg


def train_few_iters(cfg, work_dir, iters: int = 2, batch_size: int = 2):
    """Run mmengine's Runner for a few iterations; returns the runner.

    ``runner.initial_state`` holds the model's state dict right after weight initialisation (before
    any checkpoint loading or training), so tests can check what moved.
    """
    from mmengine.runner import Runner
    cfg.merge_from_dict({
        'train_cfg.max_iters': iters,
        'train_dataloader.batch_size': batch_size,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': iters,
    })
    if cfg.get('param_scheduler'):
        cfg.param_scheduler = []
    cfg.work_dir = str(work_dir)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.train_cfg.pop('val_interval', None)
    cfg.experiment_name = f'test_{osp.basename(str(work_dir))}'
    if cfg.get('visualizer'):
        # the configs name their visualizer 'visualizer', and mmengine hands out one instance per
        # name and process: a second Runner would log its scalars into the first one's work dir
        cfg.visualizer.name = cfg.experiment_name
    runner = Runner.from_cfg(cfg)
    runner.model.init_weights()  # what train() does first (it is not repeated there)
    runner.initial_state = {k: v.detach().clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    return runner


def load_tool(name: str, folder: str = 'tools'):
    """Import ``<folder>/<name>.py`` as a module (tools/ and benchmarks/ are not packages)."""
    import importlib.util
    path = osp.join(ROOT, folder, f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'ssl4dp_{folder}_{name.replace("/", "_")}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
