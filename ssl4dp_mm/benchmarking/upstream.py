"""The upstream image-level model of the continued regime, built on demand and cached.

``configs/selfsup/upstream/mocov2_r18_1xb64-200e_imagenet-sample.py`` (MMSelfSup's MoCo v2 on the
1000 images of ``../shared/datasets/imagenet-sample``) is trained with ``tools/train.py --resume``
into a cache folder outside the repository; a finished checkpoint is reused, an interrupted run
continues. Its cost (wall time of every run in the work dir, iterations, images seen) is read from
mmengine's logs and written beside it as ``cost.json``.
"""
import glob
import os
import os.path as osp
import re
import sys
from datetime import datetime
from typing import Optional, Sequence, Tuple

from ..evaluation.stages import run_stage
from ..paths import CONFIG_ROOT, PROJECT_ROOT
from ..utils.atomic_files import write_json_atomic
from .runner import log

UPSTREAM_CONFIG = osp.join(CONFIG_ROOT, 'selfsup', 'upstream',
                           'mocov2_r18_1xb64-200e_imagenet-sample.py')
DEFAULT_DATA_ROOT = osp.join(PROJECT_ROOT, '..', 'shared', 'datasets', 'imagenet-sample')
CACHE = osp.join(os.environ.get('SSL4DP_CACHE', osp.expanduser('~/.cache/ssl4dp_mm')), 'upstream')
# mmengine's log files stamp lines '2026/12/07 07:02:40 - mmengine - INFO - ...'
_STAMP = re.compile(r'^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) - mmengine')
_ITER = re.compile(r'Epoch\(train\)\s+\[(\d+)\]\[\s*(\d+)/(\d+)\]')


def default_work_dir(seed: int = 0) -> str:
    """The cache folder of the upstream model of ``seed``."""
    return osp.join(CACHE, f'mocov2_r18_imagenet-sample_s{seed}')


def log_cost(work_dir: str) -> dict:
    """Wall seconds and iterations of the training runs logged under ``work_dir``.

    Each run of ``tools/train.py`` (a first one and its resumptions) writes
    ``<work_dir>/<stamp>/<stamp>.log``; a run's wall time is its last logged line's time minus its
    first's (start-up before the first line is not counted), and its last logged iteration is
    where it stopped.

    Returns:
        dict: ``seconds`` (sum over runs), ``runs`` (per run: log, seconds, last epoch).
    """
    runs = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', '*.log'))):
        stamps, last = [], None
        with open(path, errors='replace') as f:
            for line in f:
                m = _STAMP.match(line)
                if m:
                    stamps.append(datetime.strptime(m.group(1), '%Y/%m/%d %H:%M:%S'))
                it = _ITER.search(line)
                if it:
                    last = int(it.group(1))
        if len(stamps) >= 2:
            runs.append(dict(log=osp.relpath(path, work_dir),
                             seconds=(stamps[-1] - stamps[0]).total_seconds(),
                             last_epoch=last))
    return dict(seconds=sum(r['seconds'] for r in runs), runs=runs)


def build_upstream(work_dir: Optional[str] = None,
                   data_root: str = DEFAULT_DATA_ROOT,
                   seed: int = 0,
                   config: str = UPSTREAM_CONFIG,
                   max_epochs: Optional[int] = None,
                   options: Sequence[str] = (),
                   env: Optional[dict] = None) -> Tuple[str, dict]:
    """The upstream checkpoint, trained first if its final checkpoint is not in ``work_dir``.

    Args:
        work_dir (str, optional): Where it is trained and cached. Defaults to None
            (:func:`default_work_dir` of ``seed``).
        data_root (str): The image folder (``train/*.jpg``). Defaults to the shared
            ``imagenet-sample``.
        seed (int): ``randomness.seed``. Defaults to 0.
        config (str): The upstream config. Defaults to :data:`UPSTREAM_CONFIG`.
        max_epochs (int, optional): Override the config's epochs (its cosine follows). Defaults
            to None.
        options (sequence): More ``--cfg-options`` (``key=value``). Defaults to ().
        env (dict, optional): The subprocess environment. Defaults to None (this process's).

    Returns:
        tuple: (checkpoint path, cost record as written to ``cost.json``).

    Raises:
        FileNotFoundError: if ``data_root`` has no ``train`` folder.
        RuntimeError: if training fails (its log is named).
    """
    from mmengine.config import Config
    work_dir = osp.abspath(work_dir or default_work_dir(seed))
    cfg = Config.fromfile(config)
    epochs = max_epochs or cfg.train_cfg.max_epochs
    final = osp.join(work_dir, f'epoch_{epochs}.pth')
    if not osp.isfile(final):
        if not osp.isdir(osp.join(data_root, 'train')):
            raise FileNotFoundError(f'{osp.join(data_root, "train")} not found: the upstream '
                                    'model needs an image folder (../shared/datasets/'
                                    'imagenet-sample or --upstream-data)')
        opts = [f'train_dataloader.dataset.data_root={osp.abspath(data_root)}/',
                f'randomness.seed={seed}']
        if max_epochs:
            opts += [f'train_cfg.max_epochs={max_epochs}', f'param_scheduler.0.T_max={max_epochs}',
                     f'param_scheduler.0.end={max_epochs}']
        opts += list(options)
        cmd = [sys.executable, osp.join(PROJECT_ROOT, 'tools', 'train.py'), config, '--work-dir',
               work_dir, '--resume', '--cfg-options', *opts]
        log(f'upstream: training {osp.relpath(config, PROJECT_ROOT)} into {work_dir} (seed {seed})')
        run_stage('upstream: training', cmd, osp.join(work_dir, 'train.log'), env=env, quiet=True)
        if not osp.isfile(final):
            raise RuntimeError(f'upstream training ended without {final}; see '
                               f'{osp.join(work_dir, "train.log")}')
    given = dict(o.split('=', 1) for o in options)
    batch = int(given.get('train_dataloader.batch_size', cfg.train_dataloader.batch_size))
    n_images = len(glob.glob(osp.join(data_root, 'train', '*')))
    iters = epochs * (n_images // batch if cfg.train_dataloader.get('drop_last') else
                      -(-n_images // batch))
    cost = dict(log_cost(work_dir), config=osp.relpath(config, PROJECT_ROOT), seed=seed,
                epochs=epochs,
                iters=iters, batch=batch, images_seen=iters * batch, checkpoint=final)
    write_json_atomic(osp.join(work_dir, 'cost.json'), cost)
    return final, cost
