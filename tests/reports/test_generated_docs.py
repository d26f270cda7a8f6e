"""The committed generated pages equal a fresh generation, and their numbers are those of the
results files, read here independently (json + numpy) and against the benchmark's own tables."""
import json
import os.path as osp
from glob import glob

import numpy as np
import pytest

from ssl4dp_mm.reports import generated_files, method_folders
from tests.reports.markdown import table_rows

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
COLUMNS = {'lp': 'LP-100%', 'ft10': 'FT-10%', 'lp-convex': 'LP-convex', 'retrieval': 'retrieval',
           'knn': 'kNN', 'kmeans': 'K-means'}


@pytest.fixture(scope='module')
def fresh():
    return generated_files(ROOT)


def _read(rel):
    with open(osp.join(ROOT, rel), encoding='utf-8') as f:
        return f.read()


def test_committed_equal_fresh(fresh):
    assert 'benchmarks/results/README.md' in fresh
    assert 'configs/selfsup/plmoco/README.md' in fresh and len(fresh) > 10
    stale = [rel for rel, text in fresh.items()
             if not osp.exists(osp.join(ROOT, rel)) or _read(rel) != text]
    assert not stale, f'not current (run python tools/gen_docs.py): {stale}'


def test_every_method_folder_has_a_readme(fresh):
    folders = method_folders(ROOT)
    assert {'plmoco', 'detcon', 'mocov2', 'densecl'} <= set(folders)
    assert {f'configs/selfsup/{f}/README.md' for f in folders} <= set(fresh)


def _expected(values):
    values = np.asarray(values, dtype=np.float64)
    if values.size == 1:
        return f'{values.mean():.2f}'
    return f'{values.mean():.2f} ± {values.std(ddof=1):.2f}'


def test_cells_are_the_json_values(fresh):
    """Every cell of every method README against mean and sample std of the JSON lists."""
    checked = 0
    for rel, text in fresh.items():
        if not rel.startswith('configs/'):
            continue
        for block in text.split('\n### ')[1:]:
            source = block.split('from [`', 1)[1].split('`', 1)[0]
            with open(osp.join(ROOT, source), encoding='utf-8') as f:
                data = json.load(f)
            for row in table_rows(block, 'pre-training'):
                name = row['row'].strip('`')
                assert name in data, f'{rel}: row {name} is not in {source}'
                for key, title in COLUMNS.items():
                    if title in row:
                        want = _expected(data[name][key]) if key in data[name] else '–'
                        assert row[title] == want, f'{rel}: {name} {title} in {source}'
                        checked += 1
                seeds = data[name].get('pretrain', {}).get('seeds')
                assert row['pre-training seeds'] == (
                    ', '.join(map(str, seeds)) if seeds else '–')
    assert checked > 200


def test_cells_match_the_benchmark_tables(fresh):
    """The seeded CamVid table written by the benchmark shows the same cells for every row."""
    bench = {r['pre-training']: r for r in table_rows(
        _read('benchmarks/results/camvid_quality_seeds.md'), 'pre-training')}
    matched = 0
    for rel, text in fresh.items():
        if not rel.startswith('configs/'):
            continue
        for block in text.split('\n### ')[1:]:
            if 'camvid_quality_seeds.json' not in block.split('\n', 3)[2]:
                continue
            for row in table_rows(block, 'pre-training'):
                ref = bench[row['pre-training']]
                for title in COLUMNS.values():
                    assert row[title] == ref[title], f'{rel}: {row["pre-training"]} {title}'
                    matched += 1
    assert matched >= 14 * len(COLUMNS)


def test_index_lists_every_results_file(fresh):
    index = fresh['benchmarks/results/README.md']
    names = [osp.basename(p) for p in glob(osp.join(ROOT, 'benchmarks', 'results', '*'))
             if p.endswith(('.md', '.json')) and not p.endswith('README.md')]
    assert len(names) > 20
    missing = [n for n in names if f'[`{n}`]({n})' not in index]
    assert not missing, missing
    rows = table_rows(index, 'date')
    seeds = next(r for r in rows if 'camvid_quality_seeds.md' in r['files'])
    assert seeds['date'] == '2026-12-06'
    title = _read('benchmarks/results/camvid_quality_seeds.md').splitlines()[0]
    assert seeds['result'] == title[2:]
