"""The stage runner: a subprocess in the repository root with its whole output in a log, a
failure that names the step and its log, and a step skipped when its output exists."""
import os.path as osp
import sys

import pytest

from ssl4dp_mm.evaluation.stages import StageFailed, run_stage
from ssl4dp_mm.paths import PROJECT_ROOT


def test_stage_logs_its_output_and_runs_in_the_repository(tmp_path, capsys):
    log = tmp_path / 'logs' / 'step.log'
    code = 'import os; print(os.getcwd()); print("Iter(train) [3/8] lr: 1 loss: 0.5")'
    assert run_stage('hello', [sys.executable, '-c', code], str(log)) is True
    lines = log.read_text().splitlines()
    assert lines == [PROJECT_ROOT, 'Iter(train) [3/8] lr: 1 loss: 0.5']
    assert osp.isfile(osp.join(PROJECT_ROOT, 'tools', 'train.py'))
    out = capsys.readouterr().out
    assert '==> hello' in out and 'train 3/8 loss: 0.5' in out and f'log: {log}' in out


def test_failed_stage_names_the_step_and_shows_the_log_tail(tmp_path, capsys):
    log = str(tmp_path / 'fail.log')
    code = 'import sys; print("\\n".join(str(i) for i in range(40))); sys.exit(3)'
    with pytest.raises(StageFailed, match=r'step "boom" failed \(exit 3\); full log: .*fail\.log'):
        run_stage('boom', [sys.executable, '-c', code], log)
    err = capsys.readouterr().err
    assert err.splitlines() == [str(i) for i in range(10, 40)]  # the last 30 lines


def test_stage_with_its_output_present_is_skipped(tmp_path, capsys):
    done = tmp_path / 'metrics.json'
    done.write_text('{}')
    code = 'raise SystemExit(1)'  # would fail if it ran
    assert run_stage('again', [sys.executable, '-c', code], str(tmp_path / 'a.log'),
                     skip_if_exists=str(done)) is False
    assert not (tmp_path / 'a.log').exists()
    assert 'exists, skipped' in capsys.readouterr().out
