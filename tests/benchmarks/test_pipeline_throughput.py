"""benchmarks/pipeline_throughput.py: per-worker rates of a config's own pipeline, and the
keeps-up verdict computed from them and the measured step."""
import math
import os.path as osp

from tests.conftest import ROOT, load_tool

GRID = 'configs/selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes-grid.py'


def load_benchmark():
    return load_tool('pipeline_throughput', folder='benchmarks')


def test_default_configs_exist():
    bench = load_benchmark()
    for config, _ in bench.DEFAULT:
        assert osp.isfile(osp.join(ROOT, config)), config


def test_table_and_verdicts(tmp_path):
    bench = load_benchmark()
    out = tmp_path / 'throughput.md'
    rows = bench.main(['--configs', GRID, '--samples', '3', '--steps', '1', '--toy-root',
                       str(tmp_path / 'toy'), '--out', str(out)])
    (row, ) = rows
    assert 'error' not in row, row
    assert row['batch'] == 8 and row['workers'] == 2 and row['images'] == 64
    assert row['per_worker'] > 0 and row['step_s'] > 0
    assert row['needed'] == row['batch'] / row['step_s']
    assert row['workers_needed'] == math.ceil(row['needed'] / row['per_worker'])
    assert row['keeps_up'] == (row['per_worker'] * row['workers'] >= row['needed'])
    table = out.read_text()
    assert ('| detconb_r18-d8-mocofcn_1xb8-300i_toyscenes-grid | toy scenes | '
            'two views + grid masks |' in table)
    assert (tmp_path / 'throughput.json').is_file()
