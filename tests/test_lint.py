"""The linters of the test command: flake8 and isort, configured in setup.cfg, over the repository.

Both run from the interpreter that runs the tests (``python -m flake8``), so they are the versions
pinned in requirements/tests.txt; where one is not installed the test is skipped and says so.
"""
import importlib.util
import os.path as osp
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
LINTERS = {
    'flake8': [sys.executable, '-m', 'flake8'],
    'isort': [sys.executable, '-m', 'isort', '--check-only', '--diff', '.'],
}


@pytest.mark.parametrize('name', sorted(LINTERS))
def test_repository_is_lint_clean(name):
    if importlib.util.find_spec(name) is None:
        pytest.skip(f'{name} is not installed for {sys.executable} '
                    '(pip install -r requirements/tests.txt)')
    proc = subprocess.run(LINTERS[name], cwd=ROOT, capture_output=True, text=True)
    output = (proc.stdout + proc.stderr).strip()
    command = 'python ' + ' '.join(LINTERS[name][1:])
    assert proc.returncode == 0, f'{command} failed (exit {proc.returncode}) in {ROOT}:\n{output}'
