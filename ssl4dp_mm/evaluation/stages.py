"""One step of a job as a subprocess: its progress on one line, its full output in a log file.

The trained protocols (:mod:`.trained`) and ``tools/run_pipeline.py`` run ``tools/train.py`` and
``tools/test.py`` this way, as a user would run them, from the repository root.
"""
import os
import os.path as osp
import re
import subprocess
import sys
import time
from typing import Optional, Sequence

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
_PROGRESS = re.compile(r'Iter\((train|val|test)\)\s*\[\s*(\d+)/(\d+)\](?:.*?\s(loss: [\d.]+))?')


class StageFailed(RuntimeError):
    """A stage's process exited with a non-zero status (the message names the step and its log)."""


def run_stage(name: str, cmd: Sequence[str], log_path: str,
              skip_if_exists: Optional[str] = None) -> bool:
    """Run one step as a subprocess in the repository root; keep its whole output in ``log_path``.

    The process sees ``PYTHONUNBUFFERED=1`` and the repository root first on ``PYTHONPATH``.
    mmengine's ``Iter(train) [i/n] ... loss: x`` lines are shown as one progress line.

    Args:
        name (str): The step's title, printed with the command.
        cmd (Sequence[str]): The command line (relative paths are relative to the repository).
        log_path (str): Where the output goes (its folder is created).
        skip_if_exists (str, optional): A file the step writes last: when it exists, the step is
            not run again (a resumed job). Defaults to None (always run).

    Returns:
        bool: True if the step ran, False if it was skipped.

    Raises:
        StageFailed: The process exited with a non-zero status; the last 30 lines of its log
            are written to stderr first.
    """
    if skip_if_exists is not None and osp.isfile(skip_if_exists):
        print(f'\n==> {name}: {skip_if_exists} exists, skipped', flush=True)
        return False
    print(f'\n==> {name}\n    $ {" ".join(cmd)}\n    log: {log_path}', flush=True)
    start = time.time()
    os.makedirs(osp.dirname(osp.abspath(log_path)), exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(list(cmd), cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)
        for line in proc.stdout:
            log.write(line)
            match = _PROGRESS.search(line)
            if match:
                phase, it, total, loss = match.groups()
                print(f'\r    {phase} {it}/{total} {loss or ""}  ({time.time() - start:.0f}s)   ',
                      end='', flush=True)
        proc.wait()
    print(f'\r    done in {time.time() - start:.0f}s' + ' ' * 40, flush=True)
    if proc.returncode != 0:
        with open(log_path) as f:
            tail = f.readlines()[-30:]
        sys.stderr.write(''.join(tail))
        raise StageFailed(f'step "{name}" failed (exit {proc.returncode}); full log: {log_path}')
    return True
