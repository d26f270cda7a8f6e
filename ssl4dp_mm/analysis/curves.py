"""Learning curves from mmengine's JSON logs.

mmengine's ``LocalVisBackend`` writes ``<work_dir>/<timestamp>/vis_data/scalars.json``: one JSON
object per line. With an iteration-based loop (``log_processor = dict(by_epoch=False)``, as in our
configs) a training line looks like ``{"lr": .., "loss": .., "iter": 20, "step": 20, ...}`` (written
every ``LoggerHook.interval`` iterations, values smoothed over the log window) and a validation line
like ``{"aAcc": .., "mIoU": 10.25, "mAcc": .., "step": 20, ...}`` (no ``iter``; mIoU in percent).
Both are plotted against ``step``, which is the iteration there. (With ``by_epoch=True`` the
validation ``step`` is the epoch, so this module's x axis is only meaningful for iteration-based
runs.)

A work dir that was resumed holds one timestamp folder per launch; they are read oldest first, and a
later launch replaces every record of the earlier ones from its own first step on (a resumed run
re-logs from its checkpoint, a fresh run in the same folder starts over at step 1).
"""
import glob
import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np


@dataclass
class Run:
    """One run's curves.

    Attributes:
        label (str): Legend entry.
        records (list[dict]): The JSON lines, merged over the run's launches, sorted by step.
        files (list[str]): The ``scalars.json`` files read.
    """
    label: str
    records: List[dict]
    files: List[str]

    def series(self, key: str) -> Tuple[np.ndarray, np.ndarray]:
        """Steps and values of ``key`` (empty arrays if never logged)."""
        pts = [(r['step'], r[key]) for r in self.records if key in r and 'step' in r]
        if not pts:
            return np.zeros(0), np.zeros(0)
        steps, values = zip(*pts)
        return np.asarray(steps, dtype=np.float64), np.asarray(values, dtype=np.float64)

    def keys(self) -> List[str]:
        """Every scalar key logged at least once."""
        return sorted({k for r in self.records for k in r if k not in ('step', 'iter', 'epoch')})


def find_scalar_files(path: str) -> List[str]:
    """The ``scalars.json`` files of a work dir, oldest launch first; or ``[path]`` for a file.

    ``path`` may also be a run of ``tools/evaluate.py`` (``.../<protocol>/seed<k>``): its
    training work dir ``train/`` holds the curves (with ``--val-interval``, the mIoU of every
    validation).

    Raises:
        FileNotFoundError: If ``path`` is neither a file nor a work dir with a
            ``<timestamp>/vis_data/scalars.json``.
    """
    if osp.isfile(path):
        return [path]
    files = sorted(glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
    if not files and osp.isfile(osp.join(path, 'vis_data', 'scalars.json')):
        files = [osp.join(path, 'vis_data', 'scalars.json')]  # the timestamp folder itself
    if not files:  # a trained-evaluation run: its training work dir
        files = sorted(glob.glob(osp.join(path, 'train', '*', 'vis_data', 'scalars.json')))
    if not files:
        raise FileNotFoundError(f'no <timestamp>/vis_data/scalars.json under {path!r} (give an '
                                'mmengine work dir, a timestamp folder, a scalars.json file or '
                                'a run of tools/evaluate.py)')
    return files


def read_scalars(path: str) -> List[dict]:
    """Parse one ``scalars.json`` (JSON lines).

    Raises:
        ValueError: On a line that is not a JSON object (the message names file and line).
    """
    records = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f'{path}:{n} is not JSON: {err}') from err
            if not isinstance(rec, dict):
                raise ValueError(f'{path}:{n} is not a JSON object')
            records.append(rec)
    return records


def load_run(label: str, path: str) -> Run:
    """Read a run (work dir, timestamp folder or scalars.json), merging resumed launches."""
    files = find_scalar_files(path)
    merged: List[dict] = []
    for file in files:
        recs = [r for r in read_scalars(file) if 'step' in r]
        if recs:
            start = min(r['step'] for r in recs)
            merged = [r for r in merged if r['step'] < start] + recs
    merged.sort(key=lambda r: r['step'])  # stable: a step's train line stays before its val line
    return Run(label, merged, files)


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over the last ``window`` values (shorter at the start)."""
    if window <= 1 or len(values) == 0:
        return values
    csum = np.cumsum(np.insert(values, 0, 0.0))
    idx = np.arange(1, len(values) + 1)
    lo = np.maximum(idx - window, 0)
    return (csum[idx] - csum[lo]) / (idx - lo)


def plot_curves(groups: Dict[str, List[Run]],
                keys: Sequence[str],
                out: str,
                smooth: int = 1,
                title: str = '',
                panel_size: Tuple[float, float] = (4.2, 3.0),
                dpi: int = 90) -> str:
    """One row per group of runs, one panel per key that some run of the group logged.

    Args:
        groups (dict[str, list[Run]]): Row title -> runs (e.g. 'pre-training' -> w/dec, w/o dec).
        keys (Sequence[str]): Scalars to plot, e.g. ``('loss', 'mIoU')``.
        out (str): PNG path.
        smooth (int): Moving-average window over logged points for training keys (keys of lines
            with ``iter``); validation metrics are never smoothed. Defaults to 1 (raw).
        title (str): Figure title. Defaults to ''.
        panel_size (tuple[float, float]): Inches per panel. Defaults to (4.2, 3.0).
        dpi (int): Resolution. Defaults to 90.

    Returns:
        str: ``out``.

    Raises:
        ValueError: If no run logged any of ``keys``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    layout = [(name, [k for k in keys if any(len(r.series(k)[0]) for r in runs)], runs)
              for name, runs in groups.items()]
    layout = [row for row in layout if row[1]]
    if not layout:
        logged = sorted({k for runs in groups.values() for r in runs for k in r.keys()})
        raise ValueError(f'none of {list(keys)} was logged; these were: {logged}')
    cols = max(len(row[1]) for row in layout)
    fig, axes = plt.subplots(len(layout), cols, squeeze=False,
                             figsize=(panel_size[0] * cols, panel_size[1] * len(layout) + 0.4))
    for r, (name, row_keys, runs) in enumerate(layout):
        for c in range(cols):
            ax = axes[r][c]
            if c >= len(row_keys):
                ax.set_axis_off()
                continue
            key = row_keys[c]
            for i, run in enumerate(runs):
                steps, values = run.series(key)
                if not len(steps):
                    continue
                is_train = any('iter' in rec and key in rec for rec in run.records)
                ys = moving_average(values, smooth) if is_train else values
                ax.plot(steps, ys, label=run.label, color=f'C{i}',
                        marker='' if len(steps) > 12 else 'o', markersize=3, linewidth=1.4)
            ax.set_title(f'{name}: {key}' if name else key, fontsize=9)
            ax.set_xlabel('iteration', fontsize=8)
            ax.set_ylabel(f'{key} (%)' if key in ('mIoU', 'aAcc', 'mAcc') else key, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def latest_value(run: Run, key: str) -> Optional[float]:
    """The last logged value of ``key``, or None."""
    steps, values = run.series(key)
    return float(values[-1]) if len(values) else None
