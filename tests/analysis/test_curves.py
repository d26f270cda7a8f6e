"""Reading mmengine's scalars.json and plotting learning curves."""
import json
import os

import numpy as np
import pytest
from PIL import Image

from ssl4dp_mm.analysis.curves import load_run, moving_average, plot_curves


def _write_launch(work_dir, stamp, records):
    """A launch folder as mmengine's LocalVisBackend writes it (format checked on a real run)."""
    folder = os.path.join(work_dir, stamp, 'vis_data')
    os.makedirs(folder)
    with open(os.path.join(folder, 'scalars.json'), 'w') as f:
        for rec in records:
            f.write(json.dumps(rec) + '\n')


def _train(step, loss):
    return {'lr': 0.01, 'data_time': 0.01, 'loss': loss, 'decode.loss_ce': loss, 'time': 1.0,
            'iter': step, 'step': step}


def _val(step, miou):
    return {'aAcc': 60.0, 'mIoU': miou, 'mAcc': 20.0, 'data_time': 0.01, 'time': 0.2, 'step': step}


def test_resumed_launches_are_merged(tmp_path):
    work = str(tmp_path / 'run')
    # first launch: steps 1-4, val at 2 and 4; killed and resumed from the checkpoint at 2
    _write_launch(work, '20260101_000000',
                  [_train(1, 2.0), _train(2, 1.8), _val(2, 10.0), _train(3, 1.7), _train(4, 1.6),
                   _val(4, 12.0)])
    _write_launch(work, '20260101_010000',
                  [_train(3, 1.5), _train(4, 1.4), _val(4, 15.0), _train(5, 1.3)])
    run = load_run('r', work)
    steps, loss = run.series('loss')
    assert steps.tolist() == [1, 2, 3, 4, 5] and loss.tolist() == [2.0, 1.8, 1.5, 1.4, 1.3]
    steps, miou = run.series('mIoU')
    assert steps.tolist() == [2, 4] and miou.tolist() == [10.0, 15.0]
    assert len(run.files) == 2
    # a fresh run in the same folder starts over: only the newest launch counts
    _write_launch(work, '20260102_000000', [_train(1, 9.0), _train(2, 8.0)])
    assert load_run('r', work).series('loss')[1].tolist() == [9.0, 8.0]


def test_moving_average_matches_loop():
    v = np.array([4.0, 2.0, 6.0, 8.0, 1.0])
    expected = [np.mean(v[max(0, i - 2):i + 1]) for i in range(len(v))]
    assert np.allclose(moving_average(v, 3), expected)
    assert moving_average(v, 1) is v


def test_plot_and_errors(tmp_path):
    work = str(tmp_path / 'run')
    _write_launch(work, '20260101_000000', [_train(i, 2.0 / i) for i in range(1, 30)] +
                  [_val(10, 20.0), _val(20, 30.0)])
    out = plot_curves({'seg': [load_run('a', work)]}, ['loss', 'mIoU'], str(tmp_path / 'c.png'),
                      smooth=3)
    img = np.asarray(Image.open(out).convert('L'))
    assert img.shape == (int(3.0 * 90 + 0.4 * 90), int(2 * 4.2 * 90)) and img.std() > 10
    with pytest.raises(ValueError, match="none of \\['acc'\\].*loss"):
        plot_curves({'': [load_run('a', work)]}, ['acc'], str(tmp_path / 'd.png'))
    with pytest.raises(FileNotFoundError, match='scalars.json'):
        load_run('x', str(tmp_path))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"step": 1}\nnot json\n')
    with pytest.raises(ValueError, match='bad.json:2'):
        load_run('x', str(bad))
