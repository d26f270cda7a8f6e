"""Checkpoints: a file that is not one raises ValueError naming it on every loading path (ours,
mmengine's ``load_from`` / ``tools/test.py``); a planted pickle is never run; writes are atomic."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner.checkpoint import _load_checkpoint, find_latest_checkpoint, save_checkpoint

from ssl4dp_mm.checkpoints import load_checkpoint_file
from ssl4dp_mm.engine.safe_checkpoints import AtomicLocalBackend
from tests.conftest import ROOT, load_config, load_tool, train_few_iters

SEG_CFG = 'seg/mocofcn/mocofcn_r18-d8_ft100-300i_toyscenes.py'


def mark_executed(path: str) -> None:
    """What the planted object runs when unpickled: creates ``path``."""
    with open(path, 'w') as f:
        f.write('the planted pickle ran')


class Planted:
    """Unpickling calls :func:`mark_executed` (a module-level function, pickled by reference)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (mark_executed, (self.marker, ))


def _write_not_checkpoints(folder):
    os.makedirs(folder, exist_ok=True)
    good = osp.join(folder, 'good.pth')
    torch.save(dict(meta=dict(iter=1), state_dict={'w': torch.randn(64, 64)}), good)
    files = {}
    for name, data in [('garbage.pth', os.urandom(1000)), ('text.pth', b'hello, not weights\n'),
                       ('empty.pth', b''), ('truncated.pth', open(good, 'rb').read()[:5000])]:
        files[name] = osp.join(folder, name)
        with open(files[name], 'wb') as f:
            f.write(data)
    files['list.pth'] = osp.join(folder, 'list.pth')
    torch.save([torch.ones(1)], files['list.pth'])
    files['planted.pth'] = osp.join(folder, 'planted.pth')
    torch.save(dict(state_dict={'w': torch.ones(1)}, x=Planted(osp.join(folder, 'RAN'))),
               files['planted.pth'])
    return files


KINDS = ['garbage.pth', 'text.pth', 'empty.pth', 'truncated.pth', 'list.pth', 'planted.pth']


@pytest.mark.parametrize('kind', KINDS)
def test_not_a_checkpoint_raises_naming_the_file(tmp_path, kind):
    path = _write_not_checkpoints(str(tmp_path))[kind]
    pattern = kind.replace('.', r'\.')
    with pytest.raises(ValueError, match=pattern):
        load_checkpoint_file(path)
    with pytest.raises(ValueError, match=pattern):  # mmengine's path: load_from, resume, test
        _load_checkpoint(path, map_location='cpu')
    with pytest.raises(FileNotFoundError, match='missing'):
        _load_checkpoint(str(tmp_path / 'missing.pth'))
    assert not osp.exists(tmp_path / 'RAN')


def test_planted_pickle_is_live_but_never_run(tmp_path, monkeypatch):
    path = _write_not_checkpoints(str(tmp_path))['planted.pth']
    marker = tmp_path / 'RAN'
    # control: the payload works, an unsafe load runs it
    torch.load(path, weights_only=False)
    assert marker.exists()
    marker.unlink()
    # mmengine calls torch.load without weights_only, so this variable would switch the safety off
    # for it; our loader passes weights_only=True explicitly, which the variable cannot override
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    for load in (load_checkpoint_file, _load_checkpoint):
        with pytest.raises(ValueError, match='planted'):
            load(path)
        assert not marker.exists()


@pytest.fixture
def toy(tmp_path):
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
    return make_toy_scenes(str(tmp_path / 'toy'), {'train': 2, 'val': 1}, seed=0)


@pytest.mark.parametrize('kind', ['garbage.pth', 'planted.pth'])
def test_tools_test_with_a_bad_checkpoint(tmp_path, toy, kind, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    path = _write_not_checkpoints(str(tmp_path / 'ckpts'))[kind]
    work_dir = tmp_path / 'work'
    with pytest.raises(ValueError, match=kind.replace('.', r'\.')):
        load_tool('test').main([
            osp.join(ROOT, 'configs', SEG_CFG), path, '--work-dir', str(work_dir),
            '--cfg-options', f'test_dataloader.dataset.data_root={toy}',
            'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False'])
    assert not (tmp_path / 'ckpts' / 'RAN').exists()
    assert not list(work_dir.rglob('*.pth'))


def test_load_from_a_bad_checkpoint_in_training(tmp_path, toy):
    path = _write_not_checkpoints(str(tmp_path / 'ckpts'))['truncated.pth']
    cfg = load_config(SEG_CFG, toy)
    cfg.load_from = path
    work_dir = tmp_path / 'work'
    with pytest.raises(ValueError, match=r'truncated\.pth'):
        train_few_iters(cfg, work_dir, iters=1, batch_size=2)
    assert not list(work_dir.rglob('*.pth'))


# ---- atomic writes ---------------------------------------------------------------------------
def test_mmengine_writes_through_the_atomic_backend(tmp_path, monkeypatch):
    path = str(tmp_path / 'iter_1.pth')
    assert isinstance(get_file_backend(path), AtomicLocalBackend)
    save_checkpoint(dict(state_dict={'w': torch.zeros(3)}), path)
    assert torch.equal(load_checkpoint_file(path)['state_dict']['w'], torch.zeros(3))

    def disk_full(fd):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(os, 'fsync', disk_full)  # the new bytes are in the temporary file
    with pytest.raises(OSError, match='No space'):
        save_checkpoint(dict(state_dict={'w': torch.ones(3)}), path)
    assert torch.equal(load_checkpoint_file(path)['state_dict']['w'], torch.zeros(3))
    assert os.listdir(tmp_path) == ['iter_1.pth']


KILL_DURING_SAVE = """
import os, signal, sys, torch
import ssl4dp_mm
from mmengine.runner.checkpoint import save_checkpoint
path = sys.argv[1]
save_checkpoint(dict(state_dict={'w': torch.zeros(3)}), path)
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # die right before the rename
save_checkpoint(dict(state_dict={'w': torch.ones(3)}), path)
"""


def test_hard_kill_during_a_checkpoint_write(tmp_path):
    """SIGKILL between writing and renaming: the checkpoint keeps its old content; the hidden
    temporary file that stays behind is not a name mmengine ever loads."""
    path = tmp_path / 'iter_1.pth'
    proc = subprocess.run([sys.executable, '-c', KILL_DURING_SAVE, str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr[-3000:]
    assert torch.equal(load_checkpoint_file(str(path))['state_dict']['w'], torch.zeros(3))
    leftovers = sorted(n for n in os.listdir(tmp_path) if n != 'iter_1.pth')
    assert len(leftovers) == 1 and leftovers[0].startswith('.iter_1.pth.') \
        and leftovers[0].endswith('.tmp')
    assert find_latest_checkpoint(str(tmp_path)) is None  # no last_checkpoint; *.pth skips it


def test_training_leaves_only_complete_checkpoints(tmp_path, toy):
    cfg = load_config(SEG_CFG, toy)
    work_dir = tmp_path / 'work'
    train_few_iters(cfg, work_dir, iters=1, batch_size=2)
    names = os.listdir(work_dir)
    assert 'iter_1.pth' in names and not [n for n in names if n.endswith('.tmp')]
    assert load_checkpoint_file(str(work_dir / 'iter_1.pth'))['meta']['iter'] == 1
