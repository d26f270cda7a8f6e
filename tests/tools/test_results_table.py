"""The results table: grouping, column order, mean ± std checked against ``statistics``."""
import json
import statistics

import pytest

from tests.conftest import load_tool


def _record(folder, name, column, seed, miou, head='psp', dataset='toy', created='2026-01-01'):
    path = folder / f'{name}_{column}_{seed}_{head}_{dataset}_{created}'.replace('%', 'pct')
    path.mkdir(parents=True)
    rec = dict(name=name, head=head, backbone='r18-d8', dataset=dataset, column=column, seed=seed,
               mIoU=miou, created=created)
    (path / 'eval_result.json').write_text(json.dumps(rec))
    return rec


def test_table_layout_and_statistics(tmp_path):
    runs = tmp_path / 'runs'
    a = [_record(runs, 'DenseSSL', 'LP-100%', s, v) for s, v in enumerate([40.1, 41.7, 39.2])]
    b = [_record(runs, 'DenseSSL', 'FT-10%', s, v) for s, v in enumerate([30.0, 31.5])]
    _record(runs, 'random init', 'FT-100%', 0, 25.25)
    _record(runs, 'DenseSSL', 'FT-100%', 0, 55.0, head='aspp', dataset='camvid')
    _record(runs, 'DenseSSL', 'FT-1%', 0, 12.0)  # another label fraction: its own column
    tables = load_tool('analysis/results_table').main([str(runs), '--out-dir', str(tmp_path)])
    assert list(tables) == [('aspp', 'r18-d8', 'camvid'), ('psp', 'r18-d8', 'toy')]
    md = (tmp_path / 'results.md').read_text()
    lp = [r['mIoU'] for r in a]
    ft = [r['mIoU'] for r in b]
    assert '| pre-training | FT-1% | FT-10% | LP-100% | FT-100% |' in md
    row = (f'| DenseSSL | 12.00 | {statistics.mean(ft):.2f} ± {statistics.stdev(ft):.2f} (n=2) | '
           f'{statistics.mean(lp):.2f} ± {statistics.stdev(lp):.2f} (n=3) | – |')
    assert row in md
    # random init comes first, and the other table has its own header
    assert md.index('| random init |') < md.index('| DenseSSL | 12.00')
    assert '### DeepLabv3, r18-d8, CamVid: val mIoU (%)' in md
    csv_rows = (tmp_path / 'results.csv').read_text().split('\n')
    assert (f'psp,r18-d8,toy,DenseSSL,LP-100%,{statistics.mean(lp):.4f},'
            f'{statistics.stdev(lp):.4f},3,0 1 2') in csv_rows


def test_newer_record_wins_and_bad_records_are_named(tmp_path, capsys):
    runs = tmp_path / 'runs'
    _record(runs, 'X', 'LP-100%', 0, 10.0, created='2026-01-01')
    _record(runs, 'X', 'LP-100%', 0, 20.0, created='2026-02-01')
    with pytest.warns(UserWarning, match='two records'):
        tables = load_tool('analysis/results_table').main([str(runs), '--out-dir', str(tmp_path)])
    cell = tables[('psp', 'r18-d8', 'toy')]['cells'][('X', 'LP-100%')]
    assert (cell['mean'], cell['n']) == (20.0, 1)
    bad = runs / 'bad'
    bad.mkdir()
    (bad / 'eval_result.json').write_text(json.dumps(dict(name='Y', head='psp')))
    with pytest.raises(SystemExit):
        load_tool('analysis/results_table').main([str(runs)])
    assert "bad/eval_result.json: evaluation record lacks 'backbone'" in capsys.readouterr().err
