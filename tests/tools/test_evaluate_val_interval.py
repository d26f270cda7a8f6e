"""tools/evaluate.py --val-interval on the toy scenes: a real 5-iteration run validates at
iterations 2, 4 and 5 (the last one kept) and saves a checkpoint at each (mmengine's scalars and
log say so), records the interval, and tools/analysis/plot_curves.py reads those points from the
run folder."""
import glob
import json
import os
import os.path as osp
import re

import pytest
from mmengine.config import Config

from tests.conftest import load_tool

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
LOADER_OPTS = [f'{loader}.{key}' for loader in LOADERS
               for key in ('num_workers=0', 'persistent_workers=False')]


def test_validation_points_of_a_learning_curve(toy_root, tmp_path):
    work = str(tmp_path / 'eval')
    (rec, ) = load_tool('evaluate').main([
        'none', '--head', 'mocofcn', '--protocol', 'ft100', '--dataset', 'toy', '--iters', '5',
        '--val-interval', '2', '--data-root', toy_root, '--work-dir', work, '--cfg-options',
        'train_dataloader.batch_size=2', 'default_hooks.logger.interval=1', *LOADER_OPTS])
    run = osp.dirname(rec['config'])
    assert rec['val_interval'] == 2 and rec['iters'] == 5
    cfg = Config.fromfile(rec['config'])
    assert cfg.train_cfg.val_interval == 2 and cfg.default_hooks.checkpoint.interval == 2
    # what mmengine logged: one validation line (mIoU, no 'iter') at each of these steps
    (scalars, ) = glob.glob(osp.join(run, 'train', '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    val = [line for line in lines if 'mIoU' in line]
    assert [line['step'] for line in val] == [2, 4, 5]
    assert all('iter' not in line for line in val)
    assert [line['step'] for line in lines if 'loss' in line] == [1, 2, 3, 4, 5]
    # a checkpoint at each validation; the protocol's hook keeps the last two (max_keep_ckpts)
    (log, ) = glob.glob(osp.join(run, 'train', '*', '*.log'))
    with open(log) as f:
        assert re.findall(r'Saving checkpoint at (\d+) iterations', f.read()) == ['2', '4', '5']
    assert cfg.default_hooks.checkpoint.max_keep_ckpts == 2
    assert sorted(f for f in os.listdir(osp.join(run, 'train')) if f.endswith('.pth')) == [
        'iter_4.pth', 'iter_5.pth']
    # the last validation and the test after training score the same model on the same images
    assert rec['mIoU'] == pytest.approx(val[-1]['mIoU'], abs=0.01)
    # the curve tool takes the run folder itself
    from ssl4dp_mm.analysis.curves import load_run
    curve = load_run('FT-100%', run)
    assert list(curve.series('mIoU')[0]) == [2, 4, 5]
    assert list(curve.series('mIoU')[1]) == [line['mIoU'] for line in val]
    out = load_tool('analysis/plot_curves').main([
        '--run', 'random init FT-100%', run, '--keys', 'loss', 'mIoU', '--out',
        str(tmp_path / 'curve.png')])
    assert osp.getsize(out) > 0
