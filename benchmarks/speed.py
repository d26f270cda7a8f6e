"""Pre-training step time and peak memory of each method, against MMSelfSup's MoCo v2 and DenseCL.

    python benchmarks/speed.py                          # ResNet-18, every method config, CPU
    python benchmarks/speed.py --depth 50 --steps 5     # ResNet-50 (decoder/neck inputs widened)
    python benchmarks/speed.py --configs configs/selfsup/plmoco/*.py --device cuda
    python benchmarks/speed.py --repeats 3 --configs <the configs of TARGETS> --out ..._targets.md

Every config is measured in its own subprocess, on the same toy-scene images (the config's own data
pipeline makes one batch, which is then reused for every step), as the median of ``--steps`` full
``train_step`` calls (forward, backward, optimizer) after ``--warmup`` steps. Peak memory is the
growth of the process's peak resident set over its size before the first step on CPU or ``torch.cuda.max_memory_allocated`` on GPU.
Figures are reported as ratios to MMSelfSup's own MoCo v2 and DenseCL measured in the same run;
absolute times depend on the machine and its load. The references run before each round of methods
and after the last; with ``--repeats`` the rounds are interleaved and each config keeps its fastest
run. The table, the issue's targets (:data:`TARGETS`) met or missed, and the spread of the runs are
printed and written to ``benchmarks/results/speed_r{depth}_{device}.md``.
"""
import argparse
import datetime
import glob
import json
import os
import os.path as osp
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MOCOV2 = 'configs/selfsup/baselines/mocov2_r18-d8_1xb8-300i_toyscenes.py'
DENSECL = 'configs/selfsup/baselines/densecl_r18-d8_1xb8-300i_toyscenes.py'
# the targets: (ours, reference, largest ratio of step times)
TARGETS = [
    ('configs/selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py', DENSECL, 1.00),
    ('configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
     'configs/selfsup/mocodec/mocodec_r18-d8-mocofcn_1xb8-300i_toyscenes.py', 1.15),
]


def widen_for_r50(model_cfg) -> None:
    """ResNet-50: depth 50 and every 512-channel input of the parts after the backbone becomes 2048."""
    model_cfg.backbone.depth = 50

    def fix(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == 'in_channels' and value == 512:
                    node[key] = 2048
                else:
                    fix(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                fix(item)

    for part, sub in model_cfg.items():  # decoder, neck, head, word_neck, ...
        if part not in ('backbone', 'data_preprocessor') and isinstance(sub, dict):
            fix(sub)


def measure_one(args) -> dict:
    """Build the config's model and one batch, then time ``train_step``; runs in a subprocess."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner

    import ssl4dp_mm  # noqa: F401
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    data_root = make_toy_scenes(args.data_root, {'train': 32, 'val': 4})
    cfg = Config.fromfile(osp.join(ROOT, args.single))
    init_default_scope(cfg.get('default_scope', 'mmselfsup'))
    cfg.train_dataloader.update(batch_size=args.batch, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.data_root = data_root
    if args.depth == 50:
        widen_for_r50(cfg.model)
    dataloader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    batch = next(iter(dataloader))
    from mmselfsup.registry import MODELS
    from mmengine.logging import MessageHub
    hub = MessageHub.get_current_instance()  # BYOL-style EMAs read the schedule from the hub
    hub.update_info('iter', 0)
    hub.update_info('max_iters', cfg.train_cfg.get('max_iters', 300))
    model = MODELS.build(cfg.model).to(args.device)
    model.init_weights()
    model.train()
    from mmengine.optim import build_optim_wrapper
    paramwise = cfg.optim_wrapper.get('paramwise_cfg') or {}
    with tempfile.TemporaryDirectory(prefix='speed_') as tmp:
        if paramwise.get('init_checkpoint'):
            # continued pre-training: the step does not depend on the weights it starts from, so
            # it continues from this model's own initialisation (read while the wrapper is built)
            paramwise['init_checkpoint'] = osp.join(tmp, 'init.pth')
            torch.save(dict(state_dict=model.state_dict()), paramwise['init_checkpoint'])
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    rss_before_mb = _current_rss_mb()
    times = []
    for step in range(args.warmup + args.steps):
        if args.device == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        model.train_step(batch, optim_wrapper)
        if args.device == 'cuda':
            torch.cuda.synchronize()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    if args.device == 'cuda':
        peak_mb = torch.cuda.max_memory_allocated() / 2**20
    else:
        # growth of the peak resident set over the process before the first step (imports, data)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before_mb
    params = sum(p.numel() for p in model.parameters() if p.requires_grad) / 1e6
    return dict(config=args.single, median_s=statistics.median(times), peak_mb=peak_mb,
                params_m=params, type=cfg.model.type)


def aggregate(runs: list) -> list:
    """One row per config (references first, then the methods in order): its fastest run, with
    ``runs_s``, the step times of all its successful runs; a config that never ran keeps its error.

    Args:
        runs (list[dict]): Every run in order (``config`` and ``median_s``, or ``error``).
    """
    order = [MOCOV2, DENSECL] + [c for c in dict.fromkeys(r['config'] for r in runs)
                                 if c not in (MOCOV2, DENSECL)]
    rows = []
    for cfg in order:
        ok = [r for r in runs if r['config'] == cfg and 'median_s' in r]
        if ok:
            rows.append(dict(min(ok, key=lambda r: r['median_s']),
                             runs_s=[r['median_s'] for r in ok]))
        else:
            failed = [r for r in runs if r['config'] == cfg]
            if failed:
                rows.append(failed[-1])
    return rows


def reference_spread(rows: list) -> list:
    """Lines on how far the runs of the references, and of the methods run more than once, lie apart.

    Args:
        rows (list[dict]): The rows of :func:`aggregate`.
    """
    def spread(times):
        return max(times) / min(times) - 1

    lines = []
    for row in rows:
        if row['config'] in (MOCOV2, DENSECL) and len(row.get('runs_s', [])) > 1:
            times = ', '.join(f'{t * 1000:.0f}' for t in row['runs_s'])
            lines.append(f'- {_stem(row["config"])}: {times} ms ({spread(row["runs_s"]):.0%} apart).')
    repeated = [spread(r['runs_s']) for r in rows
                if r['config'] not in (MOCOV2, DENSECL) and len(r.get('runs_s', [])) > 1]
    if repeated:
        lines.append(f'- methods: runs of one config lie {statistics.median(repeated):.0%} apart '
                     f'(median over {len(repeated)}), at most {max(repeated):.0%}.')
    return lines


def target_verdicts(rows: list) -> list:
    """Lines with each of :data:`TARGETS` met or missed, from the rows of one run."""
    by_config = {r['config']: r for r in rows if 'median_s' in r}
    lines = []
    for ours, ref, limit in TARGETS:
        if ours not in by_config or ref not in by_config:
            lines.append(f'- {_stem(ours)} vs {_stem(ref)}: not measured in this run.')
            continue
        ratio = by_config[ours]['median_s'] / by_config[ref]['median_s']
        verdict = 'met' if ratio <= limit else f'missed by {ratio / limit - 1:.0%}'
        lines.append(f'- {_stem(ours)} / {_stem(ref)} = {ratio:.2f} (target <= {limit:.2f}: '
                     f'{verdict}).')
    return lines


def _stem(config: str) -> str:
    return osp.splitext(osp.basename(config))[0]


def _current_rss_mb() -> float:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return 0.0


def default_configs() -> list:
    paths = sorted(glob.glob(osp.join(ROOT, 'configs/selfsup/*/*.py')))
    paths = [osp.relpath(p, ROOT) for p in paths]
    paths = [p for p in paths if '/camvid/' not in p]  # CamVid configs: benchmarks/camvid_quality.py
    return [p for p in paths if '/baselines/' not in p or p in (MOCOV2, DENSECL)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--configs', nargs='+', help='configs to measure (default: all selfsup)')
    parser.add_argument('--depth', type=int, default=18, choices=[18, 50])
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--steps', type=int, default=7)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=1,
                        help='rounds over the methods (each config keeps its fastest run)')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--data-root', default=osp.join(ROOT, 'work_dirs', 'bench_toy'))
    parser.add_argument('--out', help='results file (default benchmarks/results/speed_r{depth}_{device}.md)')
    parser.add_argument('--single', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.single:
        print('RESULT ' + json.dumps(measure_one(args)), flush=True)
        return None

    methods = [c for c in (args.configs or default_configs()) if c not in (MOCOV2, DENSECL)]
    # the references run before each round of methods and once more after the last, so that a burst
    # of load on a shared machine cannot skew every ratio; each config's figure is its fastest run
    configs = ([MOCOV2, DENSECL] + methods) * args.repeats + [MOCOV2, DENSECL]
    runs = []
    for i, cfg in enumerate(configs, 1):
        print(f'[{i}/{len(configs)}] {cfg}', flush=True)
        cmd = [sys.executable, __file__, '--single', cfg, '--depth', str(args.depth), '--batch',
               str(args.batch), '--steps', str(args.steps), '--warmup', str(args.warmup),
               '--threads', str(args.threads), '--device', args.device, '--data-root', args.data_root]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        result = [line for line in proc.stdout.splitlines() if line.startswith('RESULT ')]
        if proc.returncode != 0 or not result:
            print(f'    failed:\n{proc.stderr[-1500:]}', flush=True)
            runs.append(dict(config=cfg, error=proc.stderr.strip().splitlines()[-1:]))
            continue
        runs.append(json.loads(result[0][len('RESULT '):]))
        print(f'    {runs[-1]["median_s"] * 1000:.0f} ms/step, peak {runs[-1]["peak_mb"]:.0f} MB',
              flush=True)

    rows = aggregate(runs)
    ref = {r['config']: r for r in rows if 'median_s' in r and r['config'] in (MOCOV2, DENSECL)}
    if MOCOV2 not in ref or DENSECL not in ref:
        raise SystemExit('the MoCo v2 / DenseCL references failed; no ratios can be given')
    m, d = ref[MOCOV2], ref[DENSECL]
    import mmengine
    import mmselfsup
    import torch
    lines = [
        f'# Pre-training step time and peak memory, ResNet-{args.depth}, batch {args.batch}, '
        f'{args.device}', '',
        f'{datetime.date.today()} · {platform.node()} · {platform.processor() or platform.machine()} '
        f'· {os.cpu_count()} cores, {args.threads} threads · torch {torch.__version__} · mmengine '
        f'{mmengine.__version__} · mmselfsup {mmselfsup.__version__}', '',
        f'Median of {args.steps} train steps after {args.warmup} warm-up, fastest of '
        f'{args.repeats} run(s) per method and {args.repeats + 1} per reference (run before each '
        'round of methods and after the last), one batch of toy scenes '
        '(64 px crops) reused. Ratios are ours / MMSelfSup\'s, measured in the same run. **Absolute '
        'figures are machine-dependent** (and noisy on shared machines); the ratios are the result.',
        f'Peak memory: {"peak RSS growth during the steps" if args.device == "cpu" else "max CUDA allocation"}.',
        *([f'ResNet-50: backbone depth 50 and every 512-channel input after it widened to 2048 '
           '(``widen_for_r50``); config names keep their r18 stem.'] if args.depth == 50 else []),
        '', '| config | model | ms/step | x MoCo v2 | x DenseCL | peak MB | x MoCo v2 mem | params (M) |',
        '|---|---|---|---|---|---|---|---|']
    for r in rows:
        name = osp.splitext(osp.basename(r['config']))[0]
        if 'median_s' not in r:
            lines.append(f'| {name} | failed: {r["error"]} | | | | | | |')
            continue
        lines.append(
            f'| {name} | {r["type"]} | {r["median_s"] * 1000:.0f} | {r["median_s"] / m["median_s"]:.2f}'
            f' | {r["median_s"] / d["median_s"]:.2f} | {r["peak_mb"]:.0f} | '
            f'{r["peak_mb"] / m["peak_mb"]:.2f} | {r["params_m"]:.1f} |')
    lines += ['', 'Targets of the issue (step time, this run):', ''] + target_verdicts(rows)
    lines += ['', 'Noise: every run of the references and, with repeats, how far the runs of a method '
              'lie apart.', '']
    lines += reference_spread(rows)
    table = '\n'.join(lines) + '\n'
    print('\n' + table)
    out = args.out or osp.join(ROOT, 'benchmarks', 'results', f'speed_r{args.depth}_{args.device}.md')
    os.makedirs(osp.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        f.write(table)
    with open(osp.splitext(out)[0] + '.json', 'w') as f:
        json.dump(rows, f, indent=1)
    return rows


if __name__ == '__main__':
    main()
