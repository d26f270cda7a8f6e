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
from ssl4dp_mm.benchmarking.continued_report import render_record
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
    if row.head == 'mocofcn':
        assert row.protocols == ('lp', 'ft10', 'ft100') and osp.isfile(row.leaf('ft100'))
    else:  # a complex decoder: its own head, which has no FT-100% leaf at this scale
        assert row.protocols == ('lp', 'ft10') and name.endswith(row.head)
    if name == 'pledmoco-dec':  # the encoder at 1/100 kept beside the continuation
        assert got.optim_wrapper.paramwise_cfg.custom_keys == {'backbone': dict(lr_mult=0.01)}


def test_suite_rows_and_upstream_row(tmp_path):
    suite = continued_suite(str(tmp_path / 'up.pth'))
    assert tuple(suite.rows) == ORDER
    up = suite['upstream']
    assert up.checkpoint == str(tmp_path / 'up.pth') and up.pretrain_config is None
    assert suite['random'].checkpoint is None and suite['random'].pretrain_config is None
    assert suite.expand(['ramp']) == ['plmoco-dec', 'plmoco-dec-noramp', 'pledmoco-dec']
    # the upstream model fine-tuned with each complex decoder's head: FT-10% only, its baseline
    for decoder in ('dlv3p', 'nl'):
        head = suite[f'upstream-{decoder}']
        assert head.checkpoint == str(tmp_path / 'up.pth') and head.protocols == ('ft10', )
        assert head.head == decoder and head.frozen_layer == ''
        assert head.leaf('ft10') == suite[f'plmoco-dec-{decoder}'].leaf('ft10')
    assert suite.expand(['decoders']) == ['plmoco-dec', 'upstream', 'plmoco-dec-dlv3p',
                                          'plmoco-dec-nl', 'upstream-dlv3p', 'upstream-nl']


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
    record = json.loads((tmp_path / 'continued.json').read_text())
    data = record['rows']
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
    # the page renders again from its JSON alone
    assert record['run']['pretrain_iters'] == 2 and record['run']['scratch'] == []
    assert record['upstream_model']['seconds'] == cost['seconds']
    assert render_record(record, str(tmp_path)) == page


def _row(label, **values):
    """A record of several pre-training seeds: one value per seed for each protocol."""
    runs = {}
    for protocol, vals in values.items():
        for seed, v in enumerate(vals):
            runs.setdefault(str(seed), {})[protocol] = [v]
    return dict(label=label, level='patch', contrastive=True, runs=runs, **values)


def test_each_claim_is_judged_on_the_first_file_that_holds_its_rows(tmp_path):
    from ssl4dp_mm.benchmarking.continued_report import (CLAIMS, claim_lines, load_scratch,
                                                         scratch_for)
    seeds = {'plmoco-dec': _row('PLMoCo w/dec', lp=[20., 21., 22.], ft10=[19., 18., 19.]),
             'plmoco': _row('PLMoCo w/o dec', lp=[18., 18.5, 19.], ft10=[18., 18., 18.2]),
             'mocodec-dec': _row('MoCo w/dec', lp=[17., 18., 16.], ft10=[18., 18., 18.]),
             'mocov2': _row('MoCo v2', lp=[16., 16.5, 16.], ft10=[17.9, 17.8, 18.])}
    ft100 = {n: _row(r['label'], ft100=[30. + i, 31. + i, 30.5 + i])
             for i, (n, r) in enumerate(seeds.items())}
    a, b = tmp_path / 'seeds.json', tmp_path / 'ft100.json'
    a.write_text(json.dumps(seeds))
    b.write_text(json.dumps(ft100))
    scratch = load_scratch([str(a), str(tmp_path / 'absent.json'), str(b)])
    assert [osp.basename(p) for p, _ in scratch] == ['seeds.json', 'ft100.json']
    helps = CLAIMS[0][0]
    assert osp.basename(scratch_for(helps, 'lp', scratch)[0]) == 'seeds.json'
    assert osp.basename(scratch_for(helps, 'ft100', scratch)[0]) == 'ft100.json'
    assert scratch_for(helps, 'knn', scratch) is None
    lines = claim_lines(scratch, seeds)
    ft100_line = next(x for x in lines if 'helps (FT-100%)' in x)
    assert '(`ft100.json`)' in ft100_line.split(' | ')[1]
    assert 'not measured' in ft100_line.split(' | ')[2]  # the continued rows have no FT-100%
    assert '(`seeds.json`)' in next(x for x in lines if 'helps (LP-100%)' in x)


def test_complex_decoder_gain_against_its_starting_point():
    from ssl4dp_mm.benchmarking.claims import mean
    from ssl4dp_mm.benchmarking.continued_report import claim_lines
    continued = {
        'plmoco-dec': _row('PLMoCo w/dec', ft10=[21.0, 21.4, 21.2]),
        'upstream': _row('upstream', ft10=[20.0, 20.1, 19.9]),
        'plmoco-dec-dlv3p': _row('PLMoCo w/dec (DeepLabv3+)', ft10=[22.0, 22.2, 22.1]),
        'upstream-dlv3p': _row('upstream (DeepLabv3+ head)', ft10=[21.9, 22.0, 22.1]),
        'plmoco-dec-nl': _row('PLMoCo w/dec (Non-local)', ft10=[20.0, 20.2, 20.1]),
        'upstream-nl': _row('upstream (Non-local head)', ft10=[19.9, 20.0, 20.1]),
    }
    line = next(x for x in claim_lines([], continued) if 'Complex decoders gain less' in x)
    cells = line.split(' | ')
    assert cells[1] == 'not measured'
    # gains by hand: MoCoFCN +1.2 over the upstream model, DeepLabv3+ +0.1, Non-local +0.1
    gain = mean([21.0, 21.4, 21.2]) - mean([20.0, 20.1, 19.9])
    assert f'{gain:+.2f}' == '+1.20'
    assert 'PLMoCo w/dec +1.20 over upstream vs PLMoCo w/dec (DeepLabv3+) +0.10 over upstream ' \
        '(DeepLabv3+ head)' in cells[2]
    assert cells[2].startswith('holds')


def test_page_renders_again_from_its_record(tmp_path):
    """The page's JSON holds the run's settings, the upstream cost and the from-scratch files'
    names: rendered from it (the files read from another folder) it is the same page."""
    from types import SimpleNamespace

    from ssl4dp_mm.benchmarking.continued_report import load_scratch, page_record, render
    rows = {'random': dict(_row('random init', lp=[10., 11., 10.5]), decoder=False),
            'upstream': dict(_row('upstream MoCo v2', lp=[20., 20., 20.]), decoder=False),
            'plmoco-dec': dict(_row('PLMoCo w/dec, continued', lp=[21., 22., 21.5]),
                               decoder=True)}
    seeds = tmp_path / 'a' / 'seeds.json'
    seeds.parent.mkdir()
    seeds.write_text(json.dumps({'plmoco-dec': _row('PLMoCo w/dec', lp=[15., 16., 15.])}))
    scratch = load_scratch([str(seeds), str(tmp_path / 'absent.json')])
    args = SimpleNamespace(pretrain_seeds=[0, 1, 2], paired_seeds=True, pretrain_iters=None,
                           eval_iters=None, methods=['ignored'])
    upstream = dict(config='up.py', seed=0, epochs=2, iters=30, batch=64, images_seen=1920,
                    seconds=600.0)
    page = render(rows, args, 1234.5, '2026-12-07 · env', upstream, scratch)
    record = json.loads(json.dumps(page_record(rows, args, 1234.5, '2026-12-07 · env', upstream,
                                               scratch)))
    assert record['run']['scratch'] == ['seeds.json'] and 'methods' not in record['run']
    copy = tmp_path / 'b'
    copy.mkdir()
    with pytest.raises(FileNotFoundError, match='seeds.json'):
        render_record(record, str(copy))
    (copy / 'seeds.json').write_text(seeds.read_text())
    assert render_record(record, str(copy)) == page
