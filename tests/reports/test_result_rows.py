"""Reading results files: cells, row names, titles and dates, and bad input named."""
import json
import statistics

import pytest

from ssl4dp_mm.reports import format_cell, load_row_files, row_method
from ssl4dp_mm.reports.result_rows import title_and_date


def test_format_cell():
    values = [19.48, 19.98, 22.26]
    mean = sum(values) / 3
    std = (sum((v - mean)**2 for v in values) / 2)**0.5
    assert format_cell(values) == f'{mean:.2f} ± {std:.2f}' == '20.57 ± 1.48'
    assert format_cell([11.35]) == '11.35'
    assert format_cell([]) == '–'
    assert statistics.stdev(values) == pytest.approx(std)


@pytest.mark.parametrize('name, method', [
    ('random', None), ('random-vit-s', None), ('random-nl', None), ('plmoco-dec', 'plmoco'),
    ('plmoco', 'plmoco'), ('plmoco-dec-nl', 'plmoco'), ('plmoco-dec-nearneg', 'plmoco'),
    ('detcons-dec-vit-t', 'detcons'), ('mocov2-vit-t', 'mocodec'), ('mocov2', 'mocov2')])
def test_row_method(name, method):
    assert row_method(name) == method


def _results(tmp_path, rows, md='# A title\n\n2026-01-02 · vm\n'):
    folder = tmp_path / 'benchmarks' / 'results'
    folder.mkdir(parents=True)
    (folder / 'q.json').write_text(json.dumps(rows))
    if md is not None:
        (folder / 'q.md').write_text(md)
    return folder


def test_load_row_files(tmp_path):
    _results(tmp_path, {'plmoco': {'name': 'plmoco', 'label': 'PLMoCo', 'lp': [1.0, 2.0]}})
    (rf, ) = load_row_files(str(tmp_path))
    assert (rf.path, rf.title, rf.date) == ('benchmarks/results/q.json', 'A title', '2026-01-02')
    assert rf.rows['plmoco']['lp'] == [1.0, 2.0]


def test_other_json_is_skipped(tmp_path):
    _results(tmp_path, [{'config': 'x', 'ms': 3}])
    assert load_row_files(str(tmp_path)) == []


def test_bad_input_named(tmp_path):
    folder = _results(tmp_path, {'a': {'name': 'b', 'label': 'B'}})
    with pytest.raises(ValueError, match=r"q\.json: row 'a' carries name 'b'"):
        load_row_files(str(tmp_path))
    (folder / 'q.json').write_text('{not json')
    with pytest.raises(ValueError, match=r'q\.json: not valid JSON'):
        load_row_files(str(tmp_path))
    (folder / 'q.md').write_text('no title\n')
    with pytest.raises(ValueError, match='q.md: the first line is not a Markdown title'):
        title_and_date(str(folder / 'q.md'))


def test_missing_table_named(tmp_path):
    _results(tmp_path, {'a': {'name': 'a', 'label': 'A'}}, md=None)
    with pytest.raises(FileNotFoundError, match=r'q\.json: its Markdown table .*q\.md'):
        load_row_files(str(tmp_path))
