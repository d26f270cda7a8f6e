"""One step of a job as a subprocess, run from the repository root, its whole output in a log file.

The trained protocols (:mod:`.trained`), ``tools/run_pipeline.py`` and the benchmark runner
(:mod:`ssl4dp_mm.benchmarking.runner`, :mod:`ssl4dp_mm.benchmarking.upstream`) run
``tools/train.py``, ``tools/test.py`` and the evaluation scripts this way, as a user would run
them.
"""
import os
import os.path as osp
import re
import subprocess
import sys
import time
from typing import List, Mapping, Optional, Sequence

from ..paths import PROJECT_ROOT

TAIL_LINES = 30
_PROGRESS = re.compile(r'Iter\((train|val|test)\)\s*\[\s*(\d+)/(\d+)\](?:.*?\s(loss: [\d.]+))?')


class StageFailed(RuntimeError):
    """A stage's process exited with a non-zero status.

    The message's first line names the step, the exit status and the full log; the command
    (``$ ...``) follows, and for a quiet stage (whose tail was not printed) the log's last lines.

    Attributes:
        name (str): The step's title.
        cmd (list[str]): The command line.
        returncode (int): The exit status.
        log_path (str): The full log.
        tail (list[str]): The log's last :data:`TAIL_LINES` lines.
    """

    def __init__(self, name: str, cmd: Sequence[str], returncode: int, log_path: str,
                 tail: List[str], with_tail: bool) -> None:
        self.name, self.cmd, self.returncode = name, list(cmd), returncode
        self.log_path, self.tail = log_path, tail
        lines = [f'step "{name}" failed (exit {returncode}); full log: {log_path}',
                 '$ ' + ' '.join(self.cmd)]
        super().__init__('\n'.join(lines) + ('\n' + ''.join(tail) if with_tail else ''))


def run_stage(name: str, cmd: Sequence[str], log_path: str,
              skip_if_exists: Optional[str] = None, env: Optional[Mapping[str, str]] = None,
              quiet: bool = False) -> bool:
    """Run one step as a subprocess in the repository root; keep its whole output in ``log_path``.

    The process sees ``env`` with ``PYTHONUNBUFFERED=1`` and the repository root first on
    ``PYTHONPATH``. Unless ``quiet``, the step's title, command and log are printed, and
    mmengine's ``Iter(train) [i/n] ... loss: x`` lines are shown as one progress line.

    Args:
        name (str): The step's title, printed with the command and named by a failure.
        cmd (Sequence[str]): The command line (relative paths are relative to the repository).
        log_path (str): Where the output goes (its folder is created).
        skip_if_exists (str, optional): A file the step writes last: when it exists, the step is
            not run again (a resumed job). Defaults to None (always run).
        env (Mapping[str, str], optional): The process's environment. Defaults to None (this
            process's).
        quiet (bool): Print nothing (steps run side by side in threads); a failure's message
            then carries the log's tail. Defaults to False.

    Returns:
        bool: True if the step ran, False if it was skipped.

    Raises:
        StageFailed: The process exited with a non-zero status. Unless ``quiet``, the last
            :data:`TAIL_LINES` lines of its log are written to stderr first.
    """
    if skip_if_exists is not None and osp.isfile(skip_if_exists):
        if not quiet:
            print(f'\n==> {name}: {skip_if_exists} exists, skipped', flush=True)
        return False
    if not quiet:
        print(f'\n==> {name}\n    $ {" ".join(cmd)}\n    log: {log_path}', flush=True)
    start = time.time()
    os.makedirs(osp.dirname(osp.abspath(log_path)), exist_ok=True)
    env = dict(os.environ if env is None else env, PYTHONUNBUFFERED='1')
    env['PYTHONPATH'] = PROJECT_ROOT + os.pathsep + env.get('PYTHONPATH', '')
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(list(cmd), cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors='replace', env=env)
        for line in proc.stdout:
            log.write(line)
            match = _PROGRESS.search(line)
            if match and not quiet:
                phase, it, total, loss = match.groups()
                print(f'\r    {phase} {it}/{total} {loss or ""}  ({time.time() - start:.0f}s)   ',
                      end='', flush=True)
        proc.wait()
    if not quiet:
        print(f'\r    done in {time.time() - start:.0f}s' + ' ' * 40, flush=True)
    if proc.returncode != 0:
        with open(log_path) as f:
            tail = f.readlines()[-TAIL_LINES:]
        if not quiet:
            sys.stderr.write(''.join(tail))
        raise StageFailed(name, cmd, proc.returncode, log_path, tail, with_tail=quiet)
    return True
