"""benchmarks/dense_suite.py and ssl4dp_mm/evaluation/suite_compare.py: the side-by-side table's
cells and differences against a computation by hand, and the benchmark end to end on a tiny toy
copy for two random inits (cheap protocols), its page and JSON written."""
import json
import os.path as osp
import subprocess
import sys

import pytest

from ssl4dp_mm.evaluation.suite_compare import comparison_rows, pair_cell, render_comparison
from tests.conftest import ROOT


def _entry(column, values, protocol='knn', wall=2.0):
    mean = sum(values) / len(values)
    std = (sum((v - mean)**2 for v in values) / (len(values) - 1))**0.5 if len(values) > 1 \
        else None
    return dict(dataset='toy', column=column, protocol=protocol, metric='mIoU', mean=mean,
                std=std, seeds=len(values), values=values, wall_s=wall, img_scale=None,
                label_scale=(48, 64), settings=dict(knn_k=20))


def test_cells_and_differences_by_hand():
    tables = {
        'random': [_entry('kNN (stage4)', [20.0, 21.0, 22.0], wall=1.0),
                   _entry('retrieval (stage4)', [40.0], protocol='retrieval', wall=0.5)],
        'dense': [_entry('kNN (stage4)', [30.0, 31.0, 29.0], wall=3.0),
                  _entry('retrieval (stage4)', [55.0], protocol='retrieval', wall=0.7),
                  _entry('LP-convex (stage4)', [60.0, 61.0], protocol='lp-convex')],
    }
    rows = comparison_rows(tables)
    columns = ['kNN (stage4)', 'retrieval (stage4)', 'LP-convex (stage4)']
    assert [r['column'] for r in rows] == columns
    knn = rows[0]
    assert knn['wall_s'] == 2.0  # the mean over the two checkpoints' seconds per seed
    # 30 - 21 = +9.00; 2 SE = 2 sqrt(1/3 + 1/3) = 1.63: beyond
    assert pair_cell(knn, 'dense', 'random') == '+9.00*'
    assert pair_cell(rows[1], 'dense', 'random') == '+15.00 (1 seed)'
    assert pair_cell(rows[2], 'dense', 'random') == '–'  # random has no LP-convex
    page = render_comparison(rows, ['random', 'dense'], [('dense', 'random')], 'T', ['P'])
    lines = page.splitlines()
    assert lines[:3] == ['# T', '', 'P']
    assert lines[4] == ('| dataset | protocol | random | dense | dense − random | wall s / seed '
                        '| settings |')
    assert lines[6] == ('| toy | kNN (stage4) | 21.00 ± 1.00 | 30.00 ± 1.00 | +9.00* | 2.0 | '
                        'mIoU, file / 48x64, knn_k=20 |')
    assert '| toy | LP-convex (stage4) | – | 60.50 ± 0.71 | – |' in page


def test_benchmark_end_to_end_on_a_tiny_toy_copy(tmp_path):
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
    root = make_toy_scenes(str(tmp_path / 'toy'), {'train': 6, 'val': 4}, seed=1)
    out = tmp_path / 'page.md'
    cmd = [sys.executable, 'benchmarks/dense_suite.py', '--suite', 'toy', '--data-root', root,
           '--row', 'init-a=none', 'init-b=random:r18', '--protocols', 'knn', 'retrieval',
           '--seeds', '2', '--options', 'knn_k=3', 'max_bank=500', '--work-dir',
           str(tmp_path / 'work'), '--out', str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((tmp_path / 'page.json').read_text())
    assert data['compare'] == [['init-b', 'init-a']] and data['seeds'] == 2
    knn = next(r for r in data['rows'] if r['column'].startswith('kNN'))
    # each cell is the checkpoint's own suite table row
    for name in ('init-a', 'init-b'):
        own = json.loads(open(osp.join(tmp_path, 'work', name, 'dense_suite.json')).read())
        assert knn['cells'][name] == next(r for r in own['rows']
                                          if r['column'] == knn['column'])
        assert len(knn['cells'][name]['values']) == 2
    assert knn['settings']['knn_k'] == 3 and knn['settings']['max_bank'] == 500
    page = out.read_text()
    assert '| init-a | init-b | init-b − init-a |' in page
    assert 'except knn_k=3, max_bank=500' in page
    # a second run reuses every record
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and 'skipped' in again.stdout


def test_unknown_option_is_refused_naming_it(capsys):
    from tests.conftest import load_tool
    bench = load_tool('dense_suite', 'benchmarks')
    with pytest.raises(SystemExit):
        bench.parse_args(['--suite', 'toy', '--row', 'a=none', '--options', 'knn_kk=3'])
    assert '--options knn_kk: not a protocol setting' in capsys.readouterr().err
    args = bench.parse_args(['--suite', 'toy', '--row', 'a=none', 'b=none', '--options',
                             'dinov2_iters=1000', 'dinov2_crop_size=(64,64)', 'hbird_search=exact',
                             'dinov2_variants=linear,linear4+ms'])
    assert args.opts.dinov2_iters == 1000 and args.opts.dinov2_crop_size == (64, 64)
    assert args.opts.dinov2_variants == ('linear', 'linear4+ms')
    one = bench.parse_args(['--suite', 'toy', '--row', 'a=none', '--options',
                            'dinov2_variants=linear4+ms'])
    assert one.opts.dinov2_variants == ('linear4+ms', )
    assert args.opts.hbird_search == 'exact' and args.compare == [('b', 'a')]
    # a tuple setting takes its items by the field's item type, one item or several
    typed = bench.parse_args(['--suite', 'toy', '--row', 'a=none', '--options',
                              'hbird_bank_sizes=1024', 'dinov2_scales=1,1.5',
                              'kmeans_factors=[1,10]', 'hbird_crop_size=none'])
    assert typed.opts.hbird_bank_sizes == (1024, ) and typed.opts.dinov2_scales == (1.0, 1.5)
    assert typed.opts.kmeans_factors == (1, 10) and typed.opts.hbird_crop_size is None
    with pytest.raises(SystemExit):
        bench.parse_args(['--suite', 'toy', '--row', 'a=none', '--options', 'kmeans_factors=1,x'])
    assert "--options kmeans_factors=1,x: 'x' is not int" in capsys.readouterr().err


def test_repeated_values_have_no_spread_to_judge_by():
    # the recorded kNN scores of the toy table: 3 seeds, one value (the mean of three equal
    # floats differs from them in the last bit)
    same = [56.80195558853974] * 3
    row = comparison_rows({'a': [_entry('kNN (stage4)', [53.354262309236475] * 3)],
                           'b': [_entry('kNN (stage4)', same)]})[0]
    assert pair_cell(row, 'b', 'a') == '+3.45 (no spread)'
