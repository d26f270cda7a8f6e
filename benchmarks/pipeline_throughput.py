"""Data-pipeline throughput of each pre-training view pipeline (images/s per worker), and whether
the config's data workers keep up with its training step.

    python benchmarks/pipeline_throughput.py [--configs ...] [--samples 48] [--threads 1]
        [--camvid-root ../shared/datasets/camvid] [--out benchmarks/results/pipeline_throughput.md]

For each pre-training config (one per kind of view pipeline: two views, one view, patch rotation,
Felzenszwalb / SLIC / grid / ground-truth masks, constrained multi-crop with AutoAugment, image
labels; toy scenes and CamVid):

- per worker: the config's own dataset and pipeline, in one process with one thread (torch and
  OpenCV), as a DataLoader worker runs; the median rate over ``--samples`` images after 4 warm-up;
- step: the config's ``train_step`` at its own batch size (``benchmarks/speed.py``'s measurement, in
  a subprocess with ``--threads``), on toy-scene images cut by the same pipeline (same tensor
  sizes);
- needed: batch / step time; workers needed = needed / per-worker rate (rounded up); it keeps up
  when the config's ``num_workers`` give at least that. On a CPU machine the workers share cores
  with the step, so "keeps up" means the pipeline is not the limit, not that both fit on the same
  cores.

The table is printed and written (with machine, versions and date) to ``--out``; absolute rates are
machine-dependent. The masks of these configs are computed every time (``cache_dir=None``). For the
reference configs' DataLoader at VOC's image size, with masks cached or not and 1..8 workers,
against what a GPU consumes, see ``benchmarks/loader_throughput.py``.
"""
import argparse
import json
import math
import os.path as osp
import statistics
import subprocess
import sys
import time

from ssl4dp_mm.benchmarking.results_file import cost_header, write_results

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOY = 'configs/selfsup/{}_1xb8-300i_toyscenes.py'
CAMVID = 'configs/selfsup/{}_1xb16-120i_camvid.py'
# (config, view pipeline)
DEFAULT = [
    (TOY.format('plmoco/plmoco_r18-d8-mocofcn'), 'two views'),
    (TOY.format('p2vec/p2vec_r18-d8-mocofcn'), 'one view'),
    (TOY.format('plr/plr_r18-d8-mocofcn'), 'one view + patch rotation'),
    (TOY.format('detcon/detconb_r18-d8-mocofcn'), 'two views + Felzenszwalb masks'),
    (TOY.format('rlmoco/rlmoco_r18-d8-mocofcn'), 'two views + SLIC masks'),
    ('configs/selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes-grid.py',
     'two views + grid masks'),
    ('configs/selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes-gt.py',
     'two views + ground-truth masks'),
    (TOY.format('mocomc/mocomc_r18-d8-mocofcn'), 'constrained multi-crop (2+4) + AutoAugment'),
    (TOY.format('exemplar_v2/exemplarv2_r18-d8-mocofcn'), 'two views + image labels'),
    (CAMVID.format('plmoco/plmoco_r18-d8-mocofcn'), 'two views'),
    (CAMVID.format('p2vec/p2vec_r18-d8-mocofcn'), 'one view'),
    (CAMVID.format('plr/plr_r18-d8-mocofcn'), 'one view + patch rotation'),
    (CAMVID.format('detcon/detconb_r18-d8-mocofcn'), 'two views + Felzenszwalb masks'),
    (CAMVID.format('rlmoco/rlmoco_r18-d8-mocofcn'), 'two views + SLIC masks'),
]


def data_root_for(config: str, args) -> str:
    if config.endswith('_camvid.py'):
        return args.camvid_root
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
    return make_toy_scenes(args.toy_root, {'train': 64, 'val': 8})


def measure_pipeline(config: str, args) -> dict:
    """Images/s of the config's dataset pipeline in this process, with one thread."""
    import cv2
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmselfsup.registry import DATASETS

    import ssl4dp_mm  # noqa: F401

    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    cfg = Config.fromfile(osp.join(ROOT, config))
    init_default_scope(cfg.get('default_scope', 'mmselfsup'))
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.data_root = data_root_for(config, args)
    dataset = DATASETS.build(dataset_cfg)
    n = len(dataset)
    for i in range(4):  # warm-up: imports, first file reads
        dataset[i % n]
    times = []
    for i in range(args.samples):
        start = time.perf_counter()
        dataset[(i * 7 + 4) % n]
        times.append(time.perf_counter() - start)
    return dict(per_worker=1.0 / statistics.median(times), batch=cfg.train_dataloader.batch_size,
                workers=cfg.train_dataloader.num_workers, images=n)


def measure_step(config: str, batch: int, args) -> float:
    """Median train_step seconds of the config at ``batch`` (speed.py's measurement)."""
    cmd = [sys.executable, osp.join(ROOT, 'benchmarks', 'speed.py'), '--single', config, '--batch',
           str(batch), '--steps', str(args.steps), '--warmup', '2', '--threads', str(args.threads),
           '--data-root', args.toy_root + '_speed']
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith('RESULT ')]
    if proc.returncode or not lines:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else
                           f'speed.py exited {proc.returncode}')
    return json.loads(lines[0][len('RESULT '):])['median_s']


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+',
                        help='pre-training configs (default: one per pipeline)')
    parser.add_argument('--samples', type=int, default=48, help='images timed per pipeline')
    parser.add_argument('--steps', type=int, default=5, help='train steps timed per config')
    parser.add_argument('--threads', type=int, default=1, help='threads of the train step')
    parser.add_argument('--camvid-root',
                        default=osp.join(osp.dirname(ROOT), 'shared', 'datasets', 'camvid'))
    parser.add_argument('--toy-root', default=osp.join(ROOT, 'work_dirs', 'bench_toy_pipeline'))
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks', 'results',
                                                  'pipeline_throughput.md'))
    parser.add_argument('--single', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.single:
        print('RESULT ' + json.dumps(measure_pipeline(args.single, args)), flush=True)
        return None

    labels = dict(DEFAULT)
    configs = args.configs or [c for c, _ in DEFAULT]
    rows = []
    for i, config in enumerate(configs, 1):
        name = osp.splitext(osp.basename(config))[0]
        row = dict(config=name, pipeline=labels.get(config, '-'),
                   data='CamVid' if config.endswith('_camvid.py') else 'toy scenes')
        print(f'[{i}/{len(configs)}] {config}', flush=True)
        if row['data'] == 'CamVid' and not osp.isdir(osp.join(args.camvid_root, 'img_dir')):
            row['error'] = f'skipped: no CamVid at {args.camvid_root}'
            rows.append(row)
            continue
        # the pipeline is timed in a fresh process, so the train step's threads do not linger
        cmd = [sys.executable, __file__, '--single', config, '--samples', str(args.samples),
               '--camvid-root', args.camvid_root, '--toy-root', args.toy_root]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        lines = [line for line in proc.stdout.splitlines() if line.startswith('RESULT ')]
        try:
            if proc.returncode or not lines:
                raise RuntimeError(proc.stderr.strip().splitlines()[-1])
            row.update(json.loads(lines[0][len('RESULT '):]))
            row['step_s'] = measure_step(config, row['batch'], args)
        except RuntimeError as err:
            row['error'] = str(err)
            rows.append(row)
            print(f'    failed: {err}', flush=True)
            continue
        row['needed'] = row['batch'] / row['step_s']
        row['workers_needed'] = math.ceil(row['needed'] / row['per_worker'])
        row['keeps_up'] = row['per_worker'] * row['workers'] >= row['needed']
        rows.append(row)
        print(f'    {row["per_worker"]:.1f} img/s per worker; step {row["step_s"] * 1000:.0f} ms '
              f'at batch {row["batch"]} needs {row["needed"]:.1f} img/s', flush=True)

    lines = cost_header('Data-pipeline throughput per view pipeline, against the training step '
                        '(ResNet-18-d8, CPU)', 'cpu', args.threads) + [
        f'Per worker: one process, one thread, median over {args.samples} images. Step: median '
        f'train_step at the config\'s batch with {args.threads} thread(s). Needed = batch / step. '
        '**Absolute rates are machine-dependent**; what matters is the per-worker rate against the '
        'rate the step consumes. Masks are computed per image each time (cache_dir=None, as these '
        'configs ship); with `cache_dir` set the transform writes each mask at first use and reads '
        'it afterwards (`benchmarks/loader_throughput.py` measures both at VOC size).', '',
        '| config | data | view pipeline | img/s per worker | step ms (batch) | needed img/s | '
        'workers needed | config workers | keeps up |', '|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        if 'error' in r:
            lines.append(f'| {r["config"]} | {r["data"]} | {r["pipeline"]} | {r["error"]} '
                         '| | | | | |')
            continue
        lines.append(
            f'| {r["config"]} | {r["data"]} | {r["pipeline"]} | {r["per_worker"]:.1f} | '
            f'{r["step_s"] * 1000:.0f} ({r["batch"]}) | {r["needed"]:.1f} | '
            f'{r["workers_needed"]} | '
            f'{r["workers"]} | {"yes" if r["keeps_up"] else "**no**"} |')
    table = '\n'.join(lines) + '\n'
    print('\n' + table)
    write_results(args.out, table, rows)
    return rows


if __name__ == '__main__':
    main()
