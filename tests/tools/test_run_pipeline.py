"""The main job at a reduced size: pre-train, convert, LP and FT, table."""
import json
import os.path as osp

from tests.conftest import load_tool


def test_main_job_quick(tmp_path, capsys):
    results = load_tool('run_pipeline').main(
        ['--quick', '--work-dir', str(tmp_path / 'work'), '--data-root', str(tmp_path / 'toy')])
    out = capsys.readouterr().out
    assert '| pre-training | LP-100% | FT-100% |' in out
    assert set(results) == {'random init', 'PLMoCo w/dec'}
    for row in results.values():
        for miou in row.values():
            assert 0.0 <= miou <= 100.0
    saved = json.load(open(tmp_path / 'work' / 'results.json'))
    assert saved['results'] == results
    assert osp.isfile(tmp_path / 'work' / 'pretrain' / 'converted_mmseg.pth')
