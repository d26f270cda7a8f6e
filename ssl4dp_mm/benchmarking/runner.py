"""Run a benchmark suite: each stage a subprocess (``tools/train.py``, ``tools/evaluate.py``,
``tools/evaluate_frozen.py``) with its log in the work dir; a stage whose output exists is skipped,
so an interrupted benchmark continues where it stopped; rows side by side (``--jobs``); the wall
time summed over the runs of the work dir (:class:`WallLedger`).

``args`` below is the benchmark's command line (``argparse.Namespace``): ``data_root``,
``work_dir``, ``seeds``, ``pretrain_seeds``, ``paired_seeds``, ``frozen``,
``frozen_max_images``, ``workers``, ``pretrain_iters``, ``eval_iters``, ``jobs``.
"""
import glob
import json
import os
import os.path as osp
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..evaluation.stages import run_stage
from ..paths import PROJECT_ROOT
from ..utils.atomic_files import write_atomic
from .statistics import mean
from .suite import Row, Suite, column

PRETRAIN_RECORD = 'pretrain_result.json'
EVAL_RECORD = 'eval_result.json'


def log(msg: str) -> None:
    """A progress line, stamped with the running script's name and the time."""
    name = osp.splitext(osp.basename(sys.argv[0]))[0] or 'benchmark'
    print(f'[{name} {time.strftime("%H:%M:%S")}] {msg}', flush=True)


def union_seconds(intervals: Iterable[Tuple[float, float]]) -> float:
    """Length of the union of ``(start, end)`` intervals, in seconds (overlaps counted once)."""
    total, reach = 0.0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


class WallLedger:
    """Wall time of a benchmark summed over the runs of one work dir.

    Each run keeps its interval in ``<work_dir>/wall/<start>-<pid>.json`` and renews its end every
    ``period`` seconds, so a run that is killed counts up to its last renewal; runs side by side on
    the same work dir (disjoint rows or seeds) count once, as the union of their intervals. A
    ``wall_seconds.json`` total (``{"wall_s": ...}``) in the work dir is added as it stands.

    Args:
        work_dir (str): the benchmark's work dir.
        period (float): seconds between renewals. Defaults to 60.0.
    """

    def __init__(self, work_dir: str, period: float = 60.0):
        self.folder = osp.join(work_dir, 'wall')
        self.legacy = osp.join(work_dir, 'wall_seconds.json')
        self.period = period
        self.start = time.time()
        self.path = osp.join(self.folder, f'{int(self.start)}-{os.getpid()}.json')
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True)

    def __enter__(self):
        os.makedirs(self.folder, exist_ok=True)
        self.write()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.write()

    def _renew(self):
        while not self._stop.wait(self.period):
            self.write()

    def write(self):
        """Record this run's interval up to now (atomically: a kill leaves the last record)."""
        write_atomic(self.path, json.dumps(dict(start=self.start, end=time.time(),
                                                pid=os.getpid())))

    def total(self) -> float:
        """Seconds over all recorded runs of the work dir, this one up to its last record."""
        intervals = []
        for path in glob.glob(osp.join(self.folder, '*.json')):
            with open(path) as f:
                record = json.load(f)
            intervals.append((record['start'], record['end']))
        legacy = 0.0
        if osp.isfile(self.legacy):
            with open(self.legacy) as f:
                legacy = json.load(f)['wall_s']
        return legacy + union_seconds(intervals)


def last_scalar(work_dir: str, key: str):
    """The last logged value of ``key`` in a run's ``vis_data/scalars.json`` (None if absent)."""
    value = None
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if key in record:
                    value = record[key]
    return value


def run_name(name: str, pretrain_seed: int) -> str:
    """Work-dir and record name of one pre-training seed of a row (seed 0: the row's name)."""
    return name if pretrain_seed == 0 else f'{name}_ps{pretrain_seed}'


def pretrain(row: Row, pretrain_seed: int, args, env: dict) -> dict:
    """Pre-train ``row`` with one seed (``tools/train.py``), unless its record exists; returns the
    record: checkpoint, seconds, seed, iters, final loss."""
    run_id = run_name(row.name, pretrain_seed)
    work_dir = osp.join(args.work_dir, 'pretrain', run_id)
    done = osp.join(work_dir, PRETRAIN_RECORD)
    if osp.isfile(done):
        with open(done) as f:
            return json.load(f)
    opts = [f'train_dataloader.dataset.data_root={args.data_root}',
            f'train_dataloader.num_workers={args.workers}',
            f'train_dataloader.persistent_workers={args.workers > 0}',
            f'randomness.seed={pretrain_seed}']
    if args.pretrain_iters:
        opts += [f'train_cfg.max_iters={args.pretrain_iters}',
                 f'param_scheduler.0.T_max={args.pretrain_iters}',
                 f'param_scheduler.0.end={args.pretrain_iters}']
    opts += row.cfg_options()
    cmd = [sys.executable, 'tools/train.py', row.pretrain_config, '--work-dir', work_dir,
           '--cfg-options', *opts]
    log(f'{run_id}: pre-training ({osp.relpath(row.pretrain_config, PROJECT_ROOT)}, '
        f'seed {pretrain_seed})')
    start = time.time()
    run_stage(f'{run_id}: pre-training', cmd, osp.join(work_dir, 'pretrain.log'), env=env,
              quiet=True)
    seconds = time.time() - start
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    result = dict(checkpoint=checkpoint, seconds=round(seconds, 1), seed=pretrain_seed,
                  iters=int(osp.basename(checkpoint)[5:-4]),
                  final_loss=last_scalar(work_dir, 'loss'))
    write_atomic(done, json.dumps(result, indent=1))
    log(f'{run_id}: pre-trained in {seconds:.0f} s, final loss {result["final_loss"]}')
    return result


def eval_seeds(pretrain_seed: int, args) -> List[int]:
    """The evaluation seeds of one pre-training seed: ``--seeds``, or with ``--paired-seeds`` the
    pre-training seed itself (one evaluation per checkpoint)."""
    return [pretrain_seed] if args.paired_seeds else list(args.seeds)


def row_seeds(row: Row, args) -> List[int]:
    """The runs of a row: its pre-training seeds; rows without pre-training (random init) one run
    (seed 0), or with ``--paired-seeds`` one initialisation per seed, so that their spread is made
    of the same number of runs as the pre-trained rows'."""
    if row.pretrain_config is None and not args.paired_seeds:
        return [0]
    return list(args.pretrain_seeds)


def evaluate(row: Row, run_id: str, checkpoint: str, protocol: str, seeds: Sequence[int], args,
             env: dict) -> List[dict]:
    """One trained protocol of a checkpoint (``tools/evaluate.py``, which skips recorded seeds);
    returns the records of ``seeds``."""
    leaf = row.leaf(protocol)
    eval_dir = osp.join(args.work_dir, 'eval')
    cmd = [sys.executable, 'tools/evaluate.py', checkpoint, '--head', row.head, '--protocol',
           protocol, '--dataset', row.dataset, '--data-root', args.data_root, '--config', leaf,
           '--name', run_id, '--work-dir', eval_dir, '--seeds', *map(str, seeds),
           '--delete-checkpoints']
    if args.eval_iters:
        cmd += ['--iters', str(args.eval_iters)]
    patterns = [osp.join(eval_dir, run_id, '*', protocol, f'seed{seed}', EVAL_RECORD)
                for seed in seeds]
    if not all(glob.glob(p) for p in patterns):
        log(f'{run_id}: {column(protocol)} ({osp.basename(leaf)})')
        run_stage(f'{run_id}: {column(protocol)}', cmd,
                  osp.join(eval_dir, 'logs', f'{run_id}_{protocol}.log'), env=env, quiet=True)
    records = []
    for pattern in patterns:
        paths = glob.glob(pattern)
        if not paths:
            raise RuntimeError(f'no record {pattern} after the evaluation of {run_id}')
        with open(paths[0]) as f:
            records.append(json.load(f))
    log(f'{run_id}: {column(protocol)} mIoU ' + ', '.join(f'{r["mIoU"]:.2f}' for r in records))
    return records


def frozen_record_folder(protocol: str, tag: str) -> str:
    """The folder ``tools/evaluate_frozen.py`` names a protocol's records on map ``tag`` (K-means:
    its over-clustering factor 1)."""
    return f'{protocol}1x-{tag}' if protocol == 'kmeans' else f'{protocol}-{tag}'


def evaluate_frozen(row: Row, run_id: str, checkpoint: str, seed: int, args, env: dict,
                    options: Sequence[str] = ()) -> Dict[str, float]:
    """The frozen-feature protocols ``args.frozen`` (``tools/evaluate_frozen.py``) on the row's
    ``frozen_layer``, one seed (of the kNN bank sample, the probe's pixels, K-means; for random
    init also of the initialisation); returns protocol -> mIoU.

    Args:
        options (sequence): more options of ``tools/evaluate_frozen.py`` (the suite's cost
            settings). Defaults to ().
    """
    if not args.frozen:
        return {}
    from ..evaluation.dense_features import resolve_layer
    from ..evaluation.records import slug
    tag = resolve_layer(row.frozen_layer)  # the records name backbone.layer4 'stage4'
    frozen_dir = osp.join(args.work_dir, 'eval_frozen')
    patterns = {p: osp.join(frozen_dir, slug(run_id), '*', frozen_record_folder(p, tag),
                            f'seed{seed}', EVAL_RECORD) for p in args.frozen}
    if not all(glob.glob(p) for p in patterns.values()):
        cmd = [sys.executable, 'tools/evaluate_frozen.py', checkpoint, '--dataset', row.dataset,
               '--data-root', args.data_root, '--config', row.leaf('lp'), '--head', row.head,
               '--layers', row.frozen_layer, '--protocols', *args.frozen, '--name', run_id,
               '--work-dir', frozen_dir, '--seeds', str(seed), *options]
        if checkpoint == 'none':
            cmd += ['--init-seed', str(seed)]
        if row.backbone:  # the records' backbone tag (the leaf builds the backbone)
            cmd += ['--backbone', row.backbone]
        if args.frozen_max_images:
            cmd += ['--max-images', str(args.frozen_max_images)]
        log(f'{run_id}: frozen protocols {", ".join(args.frozen)} ({row.frozen_layer})')
        run_stage(f'{run_id}: frozen protocols', cmd, osp.join(frozen_dir, 'logs', f'{run_id}.log'),
                  env=env, quiet=True)
    scores = {}
    for protocol, pattern in patterns.items():
        paths = glob.glob(pattern)
        if not paths:
            raise RuntimeError(f'no record {pattern} after the frozen protocols of {run_id}')
        with open(paths[0]) as f:
            scores[protocol] = json.load(f)['mIoU']
    log(f'{run_id}: ' + ', '.join(f'{column(p)} {v:.2f}' for p, v in scores.items()))
    return scores


def run_row(suite: Suite, name: str, args, env: dict) -> dict:
    """Every pre-training seed of one row, each evaluated with its evaluation seeds.

    Returns:
        dict: the row's JSON record: ``name``, ``label``, ``decoder``, ``level``,
        ``contrastive``, ``runs`` (pre-training seed -> its ``pretrain`` record and values per
        protocol), every value per protocol over the runs (the suite's ``columns``, in order),
        ``pretrain`` (mean seconds and final loss, the seeds) and ``error`` (the first line) if a
        stage failed.
    """
    row = suite[name]
    result = dict(name=row.name, label=row.label, decoder=row.has_decoder, level=row.level,
                  contrastive=row.contrastive, runs={})
    try:
        for pretrain_seed in row_seeds(row, args):
            run_id = run_name(row.name, pretrain_seed)
            one = {}
            if row.checkpoint:
                checkpoint = row.checkpoint
            elif row.pretrain_config is None:
                checkpoint = 'none'
            else:
                one['pretrain'] = pretrain(row, pretrain_seed, args, env)
                checkpoint = one['pretrain']['checkpoint']
            seeds = eval_seeds(pretrain_seed, args)
            for protocol in row.protocols:
                one[protocol] = [r['mIoU'] for r in
                                 evaluate(row, run_id, checkpoint, protocol, seeds, args, env)]
            if row.frozen_layer:
                frozen_seed = pretrain_seed if args.paired_seeds else 0
                for protocol, score in evaluate_frozen(row, run_id, checkpoint, frozen_seed,
                                                       args, env,
                                                       suite.frozen_options).items():
                    one[protocol] = [score]
            result['runs'][str(pretrain_seed)] = one
    except RuntimeError as err:
        log(f'{row.name}: FAILED: {err}')
        result['error'] = str(err).splitlines()[0]
    for protocol in suite.columns:
        values = [v for one in result['runs'].values() for v in one.get(protocol, [])]
        if values:
            result[protocol] = values
    pretrains = [one['pretrain'] for one in result['runs'].values() if 'pretrain' in one]
    if pretrains:
        result['pretrain'] = dict(
            seconds=round(mean([p['seconds'] for p in pretrains]), 1),
            final_loss=mean([p['final_loss'] for p in pretrains
                             if p.get('final_loss') is not None]),
            seeds=[p.get('seed', 0) for p in pretrains])
    return result


def run_suite(suite: Suite, names: Sequence[str], args) -> Tuple[Dict[str, dict], float]:
    """Run the rows ``names`` of ``suite``, ``args.jobs`` at a time (each with
    ``OMP_NUM_THREADS`` = cores / jobs unless set), inside the work dir's :class:`WallLedger`.

    Returns:
        tuple: (name -> the row's record of :func:`run_row`, in the order of ``names``; the wall
        seconds of the work dir's runs).
    """
    env = dict(os.environ)
    if args.jobs > 1 and 'OMP_NUM_THREADS' not in env:
        env['OMP_NUM_THREADS'] = str(max(1, (os.cpu_count() or 1) // args.jobs))
    with WallLedger(args.work_dir) as ledger:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            done = list(pool.map(lambda n: run_row(suite, n, args, env), names))
    return {r['name']: r for r in done}, ledger.total()


def failed(results: Dict[str, dict]) -> Optional[List[str]]:
    """The rows whose run failed (None if none did)."""
    names = [n for n, r in results.items() if 'error' in r]
    return names or None
