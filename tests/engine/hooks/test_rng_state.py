"""RNGStateHook's generator states survive a checkpoint loaded to any device.

mmengine's ``Runner.resume`` loads the checkpoint with ``map_location=get_device()`` (``'cuda'``
on a GPU machine), so whatever the hook saved comes back on that device, while Python's, NumPy's
and torch's generator setters read CPU data. On this CPU-only machine ``'meta'`` stands in for
``'cuda'``: a tensor mapped there is not on the CPU and ``.numpy()`` / ``torch.set_rng_state``
cannot read it, like a CUDA tensor; unlike one it holds no data at all, which is why a
tensor-format state on 'meta' must fail with an error naming its key.
"""
import random
import shutil

import mmengine.runner.runner as runner_module
import numpy as np
import pytest
import torch
from mmengine.runner import Runner

from ssl4dp_mm.checkpoints import load_checkpoint_file, save_checkpoint_atomic
from ssl4dp_mm.engine.hooks import rng_state
from ssl4dp_mm.engine.hooks.rng_state import get_rng_states, portable_rng_states, set_rng_states
from ssl4dp_mm.engine.safe_checkpoints import load_from_local_safe
from tests.conftest import load_config


def _draw():
    """A few numbers from each generator the hook restores."""
    return (random.random(), np.random.rand(3).tolist(), float(np.random.randn()),
            torch.rand(3).tolist(), torch.randperm(10).tolist())


def _tensor_format_states() -> dict:
    """The states as the hook wrote them earlier: the torch state a uint8 tensor, NumPy's key an
    int64 tensor (built here from the generators' own getters, not from get_rng_states)."""
    name, keys, pos, has_gauss, cached = np.random.get_state()
    return dict(python=random.getstate(),
                numpy=dict(name=name, keys=torch.from_numpy(keys.astype(np.int64)), pos=int(pos),
                           has_gauss=int(has_gauss), cached_gaussian=float(cached)),
                torch=torch.get_rng_state(), cuda=[])


def _tensors(obj) -> list:
    """Every tensor inside nested dicts / lists / tuples."""
    if isinstance(obj, torch.Tensor):
        return [obj]
    if isinstance(obj, dict):
        return [t for v in obj.values() for t in _tensors(v)]
    if isinstance(obj, (list, tuple)):
        return [t for v in obj for t in _tensors(v)]
    return []


def test_states_hold_no_tensor_and_restore_from_a_meta_mapped_checkpoint(tmp_path):
    np.random.randn()  # leaves a cached Gaussian in NumPy's state
    states = get_rng_states()
    assert _tensors(states) == []
    path = str(tmp_path / 'states.pth')
    save_checkpoint_atomic(dict(rng_states=[states]), path)
    first = _draw()
    _draw()
    loaded = load_from_local_safe(path, map_location='meta')  # weights_only=True
    set_rng_states(loaded['rng_states'][0])
    assert _draw() == first


def test_tensor_format_restores_from_cpu_and_names_the_key_on_meta(tmp_path):
    np.random.randn()
    path = str(tmp_path / 'states.pth')
    save_checkpoint_atomic(dict(rng_states=[_tensor_format_states()]), path)
    first = _draw()
    _draw()
    set_rng_states(load_from_local_safe(path, map_location='cpu')['rng_states'][0])
    assert _draw() == first

    on_meta = load_from_local_safe(path, map_location='meta')['rng_states'][0]
    assert on_meta['torch'].device.type == 'meta'
    before = _draw(), get_rng_states()
    with pytest.raises(ValueError, match=r"rng_states\[0\]\['numpy'\]\['keys'\].*meta"):
        set_rng_states(on_meta, key='rng_states[0]')
    on_meta['numpy']['keys'] = torch.zeros(624, dtype=torch.int64)
    with pytest.raises(ValueError, match=r"rng_states\['torch'\] is a tensor on the meta"):
        set_rng_states(on_meta)
    assert get_rng_states()['torch'] == before[1]['torch']  # a failed restore changes nothing


def test_portable_states_equal_the_tensor_format():
    old, new = _tensor_format_states(), get_rng_states()  # the same generator states, twice
    assert portable_rng_states(old) == new
    assert portable_rng_states(new) == new
    with pytest.raises(ValueError, match=r"rng_states lacks \['cuda'\]"):
        portable_rng_states({k: v for k, v in new.items() if k != 'cuda'})


CASES = {
    'plmoco': ('selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
               {'model.queue_len': 64}),
    'mocofcn_ft': ('seg/mocofcn/mocofcn_r18-d8_ft100-300i_toyscenes.py', {}),
}
MAX_ITERS, INTERVAL = 4, 2


def _runner(case, data_root, work_dir, resume_from=None) -> Runner:
    rel_path, overrides = CASES[case]
    cfg = load_config(rel_path, data_root, **overrides)
    cfg.merge_from_dict({
        'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': MAX_ITERS,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': INTERVAL,
        'default_hooks.checkpoint.max_keep_ckpts': 3,
    })
    if cfg.get('val_cfg'):  # segmentation: a validation between the checkpoint and what follows
        cfg.train_cfg.val_interval = INTERVAL
    cfg.param_scheduler = [dict(type='CosineAnnealingLR', T_max=MAX_ITERS, eta_min=1e-4,
                                by_epoch=False, begin=0, end=MAX_ITERS)]
    assert cfg.custom_hooks == [dict(type='RNGStateHook')]
    cfg.log_level = 'WARNING'
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'rng_{case}_{work_dir.name}'
    if cfg.get('visualizer'):
        cfg.visualizer.name = cfg.experiment_name  # one visualizer instance per name and process
    if resume_from is not None:
        cfg.resume, cfg.load_from = True, str(resume_from)
    return Runner.from_cfg(cfg)


@pytest.fixture
def resume_maps_all_but_weights_to_meta(monkeypatch):
    """``Runner.resume`` loads its checkpoint as on a GPU machine, with 'meta' for 'cuda'.

    ``resume`` maps the checkpoint to ``get_device()``; here that is 'meta' (patched only while
    ``resume`` runs, so the model stays on the CPU). Model weights cannot be copied out of meta
    tensors, so ``state_dict`` and ``optimizer`` (which ``load_state_dict`` would copy to the
    model's device on a GPU machine) come from a CPU load of the same file; everything else
    (``rng_states``, ``message_hub``, ``meta``, ``param_schedulers``) is exactly what the real
    loader (``torch.load`` with ``weights_only=True``) gives for ``map_location='meta'``.
    """
    original_resume, original_load = Runner.resume, runner_module._load_checkpoint
    mapped = []

    def load(filename, map_location=None, **kwargs):
        checkpoint = original_load(filename, map_location=map_location, **kwargs)
        if map_location == 'meta':
            on_cpu = original_load(filename, map_location='cpu', **kwargs)
            for key in ('state_dict', 'optimizer'):
                checkpoint[key] = on_cpu[key]
            mapped.append(checkpoint)
        return checkpoint

    def resume(self, *args, **kwargs):
        with monkeypatch.context() as patch:
            patch.setattr(runner_module, 'get_device', lambda: 'meta')
            return original_resume(self, *args, **kwargs)

    monkeypatch.setattr(runner_module, '_load_checkpoint', load)
    monkeypatch.setattr(Runner, 'resume', resume)
    return mapped


@pytest.mark.parametrize('case', sorted(CASES))
def test_runner_resume_from_a_device_mapped_checkpoint_continues_exactly(
        case, toy_root, tmp_path, monkeypatch, resume_maps_all_but_weights_to_meta):
    full = _runner(case, toy_root, tmp_path / 'full')
    full.train()
    resumed_dir = tmp_path / 'resumed'
    resumed_dir.mkdir()
    ckpt = resumed_dir / f'iter_{INTERVAL}.pth'  # what a run stopped after INTERVAL iters left
    shutil.copy(tmp_path / 'full' / f'iter_{INTERVAL}.pth', ckpt)
    saved = load_checkpoint_file(str(ckpt))['rng_states'][0]

    restored = []  # the generator states right after each set_rng_states call

    def spy(states, *args, **kwargs):
        set_rng_states(states, *args, **kwargs)
        restored.append(get_rng_states())

    monkeypatch.setattr(rng_state, 'set_rng_states', spy)
    resumed = _runner(case, toy_root, resumed_dir, resume_from=ckpt)
    resumed.train()

    (mapped, ) = resume_maps_all_but_weights_to_meta  # the stand-in was used, once
    assert mapped['rng_states'] == [saved]  # map_location left the states as they were saved
    assert resumed.iter == MAX_ITERS
    assert restored and restored[0] == saved  # the first restore is the resume point's

    a = load_checkpoint_file(str(tmp_path / 'full' / f'iter_{MAX_ITERS}.pth'))
    b = load_checkpoint_file(str(resumed_dir / f'iter_{MAX_ITERS}.pth'))
    assert a['state_dict'].keys() == b['state_dict'].keys()
    differing = [k for k in a['state_dict'] if not torch.equal(a['state_dict'][k],
                                                               b['state_dict'][k])]
    assert differing == [], f'{len(differing)} tensors differ, e.g. {differing[:5]}'
    losses_a = a['message_hub']['log_scalars']['train/loss'].data[0]
    losses_b = b['message_hub']['log_scalars']['train/loss'].data[0]
    assert len(losses_a) == MAX_ITERS and losses_a.tolist() == losses_b.tolist()
    assert b['rng_states'] == a['rng_states']  # the generators end where they did
