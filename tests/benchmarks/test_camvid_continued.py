"""The CamVid benchmark's continued regime: its rows compose the same continuation as
``continued_config`` (the options path checked against the config path), and the mode runs end to
end on tiny inputs (upstream built on demand, a continued row, FT-100%, the page)."""
import argparse
import json
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config, DictAction

from ssl4dp_mm.benchmarking.camvid_continued_suite import CONTINUED, ORDER, continued_suite
from ssl4dp_mm.benchmarking.upstream import log_cost
from ssl4dp_mm.engine.continued_config import continued_config
from tests.conftest import ROOT


def _merged(config: str, options):
    ns = argparse.Namespace()
    DictAction(option_strings=['--cfg-options'], dest='opts')(None, ns, list(options))
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(ns.opts)
    return cfg


@pytest.mark.parametrize('name', sorted(CONTINUED))
def test_row_options_compose_the_continued_config(name, tmp_path):
    ckpt = tmp_path / 'up.pth'
    ckpt.write_bytes(b'')
    row = continued_suite(str(ckpt))[name]
    got = _merged(row.pretrain_config, row.cfg_options())
    start_factor = CONTINUED[name][1]
    want = continued_config(row.pretrain_config, str(ckpt), start_factor=start_factor)
    assert got.optim_wrapper.to_dict() == want.optim_wrapper.to_dict()
    assert [dict(s) for s in got.param_scheduler] == [dict(s) for s in want.param_scheduler]
    sched = got.param_scheduler[0]
    assert sched.type == 'ContinuedPretrainCosineLR' and sched.T_max == sched.end == 120
    assert sched.start_factor == (0.1 if start_factor is None else start_factor)
    assert row.protocols == ('lp', 'ft10', 'ft100') and osp.isfile(row.leaf('ft100'))
    if name == 'pledmoco-dec':  # the encoder at 1/100 kept beside the continuation
        assert got.optim_wrapper.paramwise_cfg.custom_keys == {'backbone': dict(lr_mult=0.01)}


def test_suite_rows_and_upstream_row(tmp_path):
    suite = continued_suite(str(tmp_path / 'up.pth'))
    assert tuple(suite.rows) == ORDER
    up = suite['upstream']
    assert up.checkpoint == str(tmp_path / 'up.pth') and up.pretrain_config is None
    assert suite['random'].checkpoint is None and suite['random'].pretrain_config is None
    assert suite.expand(['ramp']) == ['plmoco-dec', 'plmoco-dec-noramp', 'pledmoco-dec']


def test_log_cost_sums_the_runs(tmp_path):
    for stamp, (t0, t1, epoch) in {'20260101_000000': ('00:00:05', '00:01:05', 3),
                                   '20260101_010000': ('01:00:00', '01:00:30', 5)}.items():
        (tmp_path / stamp).mkdir()
        (tmp_path / stamp / f'{stamp}.log').write_text(
            f'2026/01/01 {t0} - mmengine - INFO - start\n'
            f'2026/01/01 {t1} - mmengine - INFO - Epoch(train)  [{epoch}][15/15]  lr: 0.1\n')
    cost = log_cost(str(tmp_path))
    assert cost['seconds'] == 90 and [r['last_epoch'] for r in cost['runs']] == [3, 5]


def _tiny_camvid(camvid_root, dst, n_train=16, n_val=4):
    """The first images of CamVid's splits, linked into a copy of its layout (16 train images:
    one pre-training batch)."""
    import os
    for split, n in (('train', n_train), ('val', n_val)):
        names = sorted(os.listdir(osp.join(camvid_root, 'img_dir', split)))[:n]
        for kind, ext in (('img_dir', '.jpg'), ('ann_dir', '.png')):
            os.makedirs(dst / kind / split)
            for name in names:
                stem = osp.splitext(name)[0]
                os.symlink(osp.join(camvid_root, kind, split, stem + ext),
                           dst / kind / split / (stem + ext))
    return str(dst)


def test_continued_mode_runs_end_to_end(camvid_root, toy_root, tmp_path):
    camvid_root = _tiny_camvid(camvid_root, tmp_path / 'camvid')
    up = tmp_path / 'upstream'
    out = tmp_path / 'continued.md'
    cmd = [sys.executable, 'benchmarks/camvid_quality.py', '--regime', 'continued', '--data-root',
           camvid_root, '--upstream-dir', str(up), '--upstream-data',
           osp.join(toy_root, 'img_dir'), '--upstream-epochs', '1', '--upstream-options',
           'train_dataloader.batch_size=4', 'model.queue_len=16', '--methods', 'upstream',
           'plmoco-dec', '--pretrain-iters', '2', '--eval-iters', '2', '--frozen', 'knn',
           '--frozen-max-images', '4', '--workers', '0', '--work-dir', str(tmp_path / 'work'),
           '--out', str(out), '--scratch-results', str(tmp_path / 'none.json')]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert osp.isfile(up / 'epoch_1.pth')
    cost = json.loads((up / 'cost.json').read_text())
    assert cost['epochs'] == 1 and cost['batch'] == 4 and cost['seconds'] > 0
    data = json.loads((tmp_path / 'continued.json').read_text())
    assert set(data) == {'upstream', 'plmoco-dec'}
    for row in data.values():
        for protocol in ('lp', 'ft10', 'ft100', 'knn'):
            assert len(row[protocol]) == 1 and 0 <= row[protocol][0] <= 100
    assert 'pretrain' not in data['upstream']['runs']['0']
    # the continued row trained from the upstream checkpoint with the continued schedule
    work = tmp_path / 'work' / 'pretrain' / 'plmoco-dec'
    dumped = Config.fromfile(str(next(work.glob('*/vis_data/config.py'))))
    assert dumped.optim_wrapper.constructor == 'ContinuedPretrainOptimWrapperConstructor'
    assert dumped.optim_wrapper.paramwise_cfg.init_checkpoint == str(up / 'epoch_1.pth')
    assert dumped.param_scheduler[0].type == 'ContinuedPretrainCosineLR'
    page = out.read_text()
    assert 'PLMoCo w/dec, continued' in page and 'upstream MoCo v2 (not continued)' in page
    assert '| LP-100% | FT-10% | FT-100% | kNN |' in page


def test_scratch_results_merge_columns_from_later_files(tmp_path):
    from ssl4dp_mm.benchmarking.continued_report import load_scratch
    seeds = {'plmoco-dec': dict(label='PLMoCo w/dec', lp=[20.0, 21.0], ft10=[19.0, 18.0]),
             'random': dict(label='random init', lp=[13.0, 14.0])}
    ft100 = {'plmoco-dec': dict(label='PLMoCo w/dec', lp=[99.0], ft100=[30.0, 31.0]),
             'plsiam-dec': dict(label='PLSiam w/dec', ft100=[28.0, 29.0])}
    a, b = tmp_path / 'a.json', tmp_path / 'b.json'
    a.write_text(json.dumps(seeds))
    b.write_text(json.dumps(ft100))
    merged = load_scratch([str(a), str(b), str(tmp_path / 'absent.json')])
    assert merged['plmoco-dec'] == dict(label='PLMoCo w/dec', lp=[20.0, 21.0], ft10=[19.0, 18.0],
                                        ft100=[30.0, 31.0])  # the first file's LP-100% kept
    assert merged['random'] == seeds['random'] and merged['plsiam-dec'] == ft100['plsiam-dec']
    assert load_scratch([str(tmp_path / 'absent.json')]) is None
