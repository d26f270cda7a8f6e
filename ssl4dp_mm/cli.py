"""What the command-line tools share: how they end on bad input, and the arguments and config
handling of the Runner tools (``tools/train.py``, ``tools/test.py``).

The tools in ``tools/`` never import each other; a piece two of them need lives here.
"""
import argparse
import os
import os.path as osp
import sys
from typing import Callable, Optional

# errors that mean bad input (a missing file, an unknown key, a value out of range): a tool ends
# on them with one line naming the file or key, without a traceback
INPUT_ERRORS = (ValueError, KeyError, FileNotFoundError)


def run_tool(main: Callable[[], object]) -> None:
    """Call a tool's ``main()``; bad input (:data:`INPUT_ERRORS`) ends the process with
    ``error: <message>`` on stderr and exit status 1.

    Args:
        main (Callable[[], object]): The tool's entry point, which parses ``sys.argv`` itself.
    """
    try:
        main()
    except INPUT_ERRORS as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(1)


def add_launcher_args(parser: argparse.ArgumentParser) -> None:
    """``--launcher`` and ``--local_rank`` (``--local-rank``), as MMSeg's and MMSelfSup's tools
    take them."""
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def export_local_rank(args: argparse.Namespace) -> argparse.Namespace:
    """Set ``LOCAL_RANK`` from ``--local_rank`` unless the launcher set it already.

    Returns:
        argparse.Namespace: ``args``, unchanged.
    """
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def runner_config(config: str,
                  launcher: str = 'none',
                  cfg_options: Optional[dict] = None,
                  work_dir: Optional[str] = None):
    """A config for mmengine's Runner: the file, the launcher, ``--cfg-options`` merged, and the
    work dir (``work_dir``, else the config's, else ``./work_dirs/<config name>``).

    Args:
        config (str): The config file.
        launcher (str): The job launcher. Defaults to 'none'.
        cfg_options (dict, optional): Keys merged into the config. Defaults to None.
        work_dir (str, optional): The work dir. Defaults to None.

    Returns:
        mmengine.config.Config: The config.
    """
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config))[0])
    return cfg
