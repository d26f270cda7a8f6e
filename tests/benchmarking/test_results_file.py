"""ssl4dp_mm.benchmarking.results_file: the environment line and the results files."""
import datetime
import json
import platform

import torch

from ssl4dp_mm.benchmarking import results_file


def test_environment_line_and_versions():
    line = results_file.environment_line('x86', results_file.versions('torch'))
    assert line == (f'{datetime.date.today().isoformat()} · {platform.node()} · x86 · '
                    f'torch {torch.__version__}')
    assert results_file.versions('python', 'torch', labels=dict(python='Python'), sep=', ') == \
        f'Python {platform.python_version()}, torch {torch.__version__}'
    header = results_file.cost_header('Title', 'cpu', 3)
    assert header[:2] == ['# Title', ''] and header[-1] == ''
    assert ' cores, 3 threads · torch ' in header[2] and ' · mmselfsup ' in header[2]


def test_results_and_json_beside_them(tmp_path):
    out = tmp_path / 'sub' / 'page.md'
    results_file.write_results(str(out), '# t\n', {'a': [1, 2]})
    assert out.read_text() == '# t\n'
    text = (tmp_path / 'sub' / 'page.json').read_text()
    assert text == json.dumps({'a': [1, 2]}, indent=1)
    assert sorted(p.name for p in (tmp_path / 'sub').iterdir()) == ['page.json', 'page.md']
