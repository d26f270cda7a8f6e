"""Pre-training step time and peak memory of each method, against MMSelfSup's MoCo v2 and DenseCL.

    python benchmarks/speed.py                          # ResNet-18, every method config, CPU
    python benchmarks/speed.py --depth 50 --steps 5     # ResNet-50 (decoder/neck inputs widened)
    python benchmarks/speed.py --configs configs/selfsup/plmoco/*.py --device cuda
    python benchmarks/speed.py --repeats 3 --configs <the configs of TARGETS> --out ..._targets.md
    python benchmarks/speed.py --size 224 --batch 8 16 32       # scaling: SCALING_CONFIGS
    python benchmarks/speed.py --size 224 --batch 32 64 --device cuda --amp both \
        --references R50_MOCOV2 R50_DENSECL --configs ...      # ResNet-50 on a GPU

A config may carry options for its model: ``path.py@model.num_batch_negatives=None`` (several
joined by ``;``), so that variants of one config are measured side by side.

Every config is measured in its own subprocess, on the same toy-scene images (the config's own data
pipeline makes one batch, which is then reused for every step), as the median of ``--steps`` full
``train_step`` calls (forward, backward, optimizer) after ``--warmup`` steps. Peak memory is the
growth of the process's peak resident set over its size before the first step on CPU or
``torch.cuda.max_memory_allocated`` on GPU.
With ``--size`` the views are made at that size by the config's own pipeline (its random-resized
crops set to ``--size``) from toy scenes drawn at 1.25x / 1.67x that size, not upsampled from 64 px
crops. Configs that read the VOC aug or Cityscapes layout get the same scenes in that layout
(``ssl4dp_mm.datasets.reference_layouts``). With several ``--batch`` values each batch is a round
of its own (references before and after it) and the scaling table gives step time and peak memory
against the batch, as ratios to the references of the same batch, with :data:`SCALING_TARGETS`
judged, written to
``benchmarks/results/scaling_r{depth}_{device}.md``.
Figures are reported as ratios to MMSelfSup's own MoCo v2 and DenseCL measured in the same run;
absolute times depend on the machine and its load. The references run before each round of methods
and after the last; with ``--repeats`` the rounds are interleaved and each config keeps its fastest
run. The table, the step-time targets (:data:`TARGETS`) met or missed, and the spread of the runs
are printed and written to ``benchmarks/results/speed_r{depth}_{device}.md``.
"""
import argparse
import glob
import json
import os.path as osp
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from ssl4dp_mm.benchmarking.pipeline_edits import set_view_size
from ssl4dp_mm.benchmarking.results_file import cost_header, write_results
from ssl4dp_mm.paths import CONFIG_ROOT

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MOCOV2 = 'configs/selfsup/mocov2/mocov2_r18-d8_1xb8-300i_toyscenes.py'
DENSECL = 'configs/selfsup/densecl/densecl_r18-d8_1xb8-300i_toyscenes.py'
# the configs/selfsup folders of MMSelfSup's own methods, and the ViT/16 config names
MMSELFSUP_FOLDERS = ('mocov1', 'mocov2', 'densecl', 'simclr', 'byol', 'simsiam')
VIT16 = re.compile(r'_vit-[tsb]16')
# the step-time targets: (ours, reference, largest ratio of step times)
TARGETS = [
    ('configs/selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py', DENSECL, 1.00),
    ('configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
     'configs/selfsup/mocodec/mocodec_r18-d8-mocofcn_1xb8-300i_toyscenes.py', 1.15),
]


PLMOCO = 'configs/selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py'
PLMOCO_DEC = 'configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
MOCODEC = 'configs/selfsup/mocodec/mocodec_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
# what the scaling run measures besides the references: PLMoCo as configured (in-batch negatives
# sampled, 4096 key cells per step) and with every key cell of the batch (the exact chunked loss)
SCALING_CONFIGS = [PLMOCO, PLMOCO + '@model.num_batch_negatives=None', PLMOCO_DEC,
                   PLMOCO_DEC + '@model.num_batch_negatives=None', MOCODEC]
# the scaling targets at 224 px: (ours, reference, what, limit, batch); 'growth' compares the peak
# memory growth of the batch with that of half the batch (linear: 2)
SCALING_TARGETS = [
    (PLMOCO, DENSECL, 'time', 1.10, 32),
    (PLMOCO, DENSECL, 'memory', 1.20, 32),
    (PLMOCO_DEC, MOCODEC, 'time', 1.15, 32),
    (PLMOCO, None, 'growth', 2.2, 32),
    (PLMOCO_DEC, None, 'growth', 2.2, 32),
]


def split_variant(config: str):
    """``path.py@key=value;key=value`` -> (path, {key: value}); values read as Python literals
    where they are one (``None``, numbers), else kept as strings."""
    import ast
    path, _, opts = config.partition('@')
    options = {}
    for item in filter(None, opts.split(';')):
        key, _, value = item.partition('=')
        try:
            options[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            options[key] = value
    return path, options


def widen_for_r50(model_cfg) -> None:
    """ResNet-50 in place of a ResNet-18 config's backbone, its scale read from the backbone
    variants ``configs/_base_/models/r18-d8.py`` and ``r50-d8.py``: their depth, and the widths of
    the stages that the parts after the backbone read. Every input of those parts that reads the
    last stage (ResNet-18: 512 channels, ``in_channels``) or, for a DeepLabv3+ skip
    (``c1_in_channels``), the first stage (64) gets ResNet-50's width (2048, 256); the parts' own
    widths stay the config's, so that only the backbone changes."""
    from mmengine.config import Config
    r18, r50 = (Config.fromfile(osp.join(CONFIG_ROOT, '_base_', 'models', f'{name}.py'))
                for name in ('r18-d8', 'r50-d8'))
    model_cfg.backbone.depth = r50.backbone.depth
    # key -> (ResNet-18 width, ResNet-50 width); DeepLabv3+ reads both stages
    widths = {key: (r18.dlv3p_decoder[key], r50.dlv3p_decoder[key])
              for key in ('in_channels', 'c1_in_channels')}

    def fix(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in widths and value == widths[key][0]:
                    node[key] = widths[key][1]
                else:
                    fix(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                fix(item)

    for part, sub in model_cfg.items():  # decoder, neck, head, word_neck, ...
        if part not in ('backbone', 'data_preprocessor') and isinstance(sub, dict):
            fix(sub)


def measure_one(args) -> list:
    """Build the config's model and one batch, then time ``train_step``, for each of ``args.batch``
    x ``args.amps`` (one setting per process on CPU, where peak RSS cannot be reset; all of them in
    one process on CUDA, whose peak statistics are reset between settings). Runs in a subprocess.

    Returns:
        list[dict]: One result per setting.
    """
    import torch
    from mmengine.config import Config
    from mmengine.logging import MessageHub
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
    from mmselfsup.registry import MODELS

    import ssl4dp_mm  # noqa: F401
    from ssl4dp_mm.datasets.reference_layouts import make_cityscapes, make_voc_aug
    from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes

    torch.set_num_threads(args.threads)
    path, options = split_variant(args.single)
    cfg = Config.fromfile(osp.join(ROOT, path))
    if options:
        cfg.merge_from_dict(options)
    init_default_scope(cfg.get('default_scope', 'mmselfsup'))
    n = max([64] + args.batch)
    scene = (int(args.size * 1.25), int(args.size * 5 / 3)) if args.size else (96, 128)
    root = f'{args.data_root}_{scene[0]}x{scene[1]}' if args.size else args.data_root
    prefix = cfg.train_dataloader.dataset.get('data_prefix', {}).get('img_path', '')
    if prefix.startswith('JPEGImages'):  # the VOC aug layout of the reference configs
        data_root = make_voc_aug(root + '_voc', {'train': n // 2, 'aug': n - n // 2, 'val': 4},
                                 size=scene)
    elif prefix.startswith('leftImg8bit'):  # the Cityscapes layout
        data_root = make_cityscapes(root + '_cityscapes', {'train': n, 'val': 4}, size=scene)
    else:
        data_root = make_toy_scenes(root, {'train': n, 'val': 4}, size=scene)
    if args.size and not set_view_size(cfg.train_dataloader.dataset.pipeline, args.size):
        raise ValueError(f'{path}: no random-resized crop in the pipeline to set --size on')
    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.data_root = data_root
    if args.depth == 50:
        widen_for_r50(cfg.model)
    hub = MessageHub.get_current_instance()  # BYOL-style EMAs read the schedule from the hub
    hub.update_info('iter', 0)
    hub.update_info('max_iters', cfg.train_cfg.get('max_iters', 300))
    results = []
    for batch_size in args.batch:
        cfg.train_dataloader.batch_size = batch_size
        batch = next(iter(Runner.build_dataloader(cfg.train_dataloader, seed=0)))
        for amp in args.amps:
            torch.manual_seed(0)
            model = MODELS.build(cfg.model).to(args.device)
            model.init_weights()
            model.train()
            wrapper_cfg = cfg.optim_wrapper.copy()
            if amp:
                wrapper_cfg.type = 'AmpOptimWrapper'
            paramwise = wrapper_cfg.get('paramwise_cfg') or {}
            with tempfile.TemporaryDirectory(prefix='speed_') as tmp:
                if paramwise.get('init_checkpoint'):
                    # continued pre-training: the step does not depend on the weights it starts
                    # from, so it continues from this model's own initialisation (read while the
                    # wrapper is built)
                    paramwise['init_checkpoint'] = osp.join(tmp, 'init.pth')
                    torch.save(dict(state_dict=model.state_dict()), paramwise['init_checkpoint'])
                optim_wrapper = build_optim_wrapper(model, wrapper_cfg)
            rss_before_mb = _current_rss_mb()
            if args.device == 'cuda':
                torch.cuda.reset_peak_memory_stats()
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
                # growth of the peak resident set over the process before the first step
                peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before_mb
            params = sum(p.numel() for p in model.parameters() if p.requires_grad) / 1e6
            results.append(dict(config=args.single, median_s=statistics.median(times),
                                peak_mb=peak_mb, params_m=params, type=cfg.model.type,
                                batch=batch_size, size=args.size, amp=amp,
                                depth=cfg.model.backbone.get('depth'),
                                backbone=backbone_name(cfg.model.backbone)))
            del model, optim_wrapper
            if args.device == 'cuda':
                torch.cuda.empty_cache()
    return results


def aggregate(runs: list, refs: tuple = (MOCOV2, DENSECL)) -> list:
    """One row per config (references first, then the methods in order): its fastest run, with
    ``runs_s``, the step times of all its successful runs; a config that never ran keeps its error.

    Args:
        runs (list[dict]): Every run in order (``config`` and ``median_s``, or ``error``).
        refs (tuple): The two references. Defaults to ``(MOCOV2, DENSECL)``.
    """
    order = list(refs) + [c for c in dict.fromkeys(r['config'] for r in runs) if c not in refs]
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


def reference_spread(rows: list, refs: tuple = (MOCOV2, DENSECL)) -> list:
    """Lines on how far the runs of the references, and of the methods run more than once, lie
    apart.

    Args:
        rows (list[dict]): The rows of :func:`aggregate`.
        refs (tuple): The two references. Defaults to ``(MOCOV2, DENSECL)``.
    """
    def spread(times):
        return max(times) / min(times) - 1

    lines = []
    for row in rows:
        if row['config'] in refs and len(row.get('runs_s', [])) > 1:
            times = ', '.join(f'{t * 1000:.0f}' for t in row['runs_s'])
            lines.append(f'- {_stem(row["config"])}: {times} ms '
                         f'({spread(row["runs_s"]):.0%} apart).')
    repeated = [spread(r['runs_s']) for r in rows
                if r['config'] not in refs and len(r.get('runs_s', [])) > 1]
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


def backbone_name(backbone: dict) -> str:
    """A short name of a backbone config: ``ResNet-18``, or ``ViT-S/16`` style for MMSeg's
    VisionTransformer (named by its width: 192 T, 384 S, 768 B, else the width itself)."""
    if backbone.get('depth'):
        return f'ResNet-{backbone["depth"]}'
    if 'VisionTransformer' in str(backbone.get('type')):
        width = backbone.get('embed_dims', 768)
        size = {192: 'T', 384: 'S', 768: 'B'}.get(width, str(width))
        return f'ViT-{size}/{backbone.get("patch_size", 16)}'
    return str(backbone.get('type'))


def reference_labels(refs: tuple) -> tuple:
    """Column labels of the two references: 'MoCo v2' / 'DenseCL' for MMSelfSup's own ResNet
    configs (the defaults), else the references' config stems (e.g. MoCo on the same ViT)."""
    if tuple(refs) == (MOCOV2, DENSECL):
        return 'MoCo v2', 'DenseCL'
    return _stem(refs[0]), _stem(refs[1])


def _stem(config: str) -> str:
    """The config's file name without ``.py``, with its variant options if any."""
    path, _, opts = config.partition('@')
    return osp.splitext(osp.basename(path))[0] + (f' ({opts})' if opts else '')


def _current_rss_mb() -> float:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return 0.0


def default_configs() -> list:
    paths = sorted(glob.glob(osp.join(ROOT, 'configs/selfsup/*/*.py')))
    paths = [osp.relpath(p, ROOT) for p in paths]
    # CamVid configs: benchmarks/camvid_quality.py
    paths = [p for p in paths if not p.endswith('_camvid.py')]
    # ViT/16s are measured against MoCo on the same ViT (--references, docs/vit.md), not against
    # the ResNet baselines of the default run
    paths = [p for p in paths if not VIT16.search(osp.basename(p))]
    # of MMSelfSup's own methods, the two references only
    return [p for p in paths
            if p.split('/')[2] not in MMSELFSUP_FOLDERS or p in (MOCOV2, DENSECL)]


def scaling_verdicts(rows: dict) -> list:
    """Lines with each of :data:`SCALING_TARGETS` met or missed.

    Args:
        rows (dict): batch -> the rows of :func:`aggregate` for that batch.
    """
    def find(config, batch):
        hit = [r for r in rows.get(batch, []) if r['config'] == config and 'median_s' in r]
        return hit[0] if hit else None

    lines = []
    for ours, ref, what, limit, batch in SCALING_TARGETS:
        a = find(ours, batch)
        if what == 'growth':
            b = find(ours, batch // 2)
            label = f'{_stem(ours)} peak memory growth, batch {batch} / batch {batch // 2}'
            ratio = a['peak_mb'] / b['peak_mb'] if a and b else None
        else:
            b = find(ref, batch)
            label = f'{_stem(ours)} / {_stem(ref)} {what} at batch {batch}'
            key = 'median_s' if what == 'time' else 'peak_mb'
            ratio = a[key] / b[key] if a and b else None
        if ratio is None:
            lines.append(f'- {label}: not measured in this run.')
            continue
        verdict = 'met' if ratio <= limit else f'missed by {ratio / limit - 1:.0%}'
        lines.append(f'- {label} = {ratio:.2f} (target <= {limit:.2f}: {verdict}).')
    return lines


def scaling_table(rows: dict, refs: tuple, args) -> list:
    """Markdown lines: one row per config and batch, ratios to the references of that batch."""
    a, b = reference_labels(refs)
    lines = [f'| config | batch | amp | ms/step | images/s | x {a} | x {b} | peak MB | '
             f'mem x {a} | mem x {b} | mem x half batch |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    configs = list(dict.fromkeys(r['config'] for b in rows for r in rows[b]))
    for cfg in configs:
        for (batch, amp), batch_rows in sorted(rows.items()):
            r = next((x for x in batch_rows if x['config'] == cfg), None)
            if r is None:
                continue
            if 'median_s' not in r:
                lines.append(f'| {_stem(cfg)} | {batch} | {amp} | failed: {r["error"]} |'
                             ' | | | | | | |')
                continue
            ref = {x['config']: x for x in batch_rows if 'median_s' in x and x['config'] in refs}
            m, d = ref.get(refs[0]), ref.get(refs[1])
            half = next((x for x in rows.get((batch // 2, amp), [])
                         if x['config'] == cfg and 'median_s' in x), None)

            def ratio(other, key):
                return f'{r[key] / other[key]:.2f}' if other else '–'

            lines.append(
                f'| {_stem(cfg)} | {batch} | {amp} | {r["median_s"] * 1000:.0f} | '
                f'{batch / r["median_s"]:.1f} | {ratio(m, "median_s")} | {ratio(d, "median_s")} | '
                f'{r["peak_mb"]:.0f} | {ratio(m, "peak_mb")} | {ratio(d, "peak_mb")} | '
                f'{ratio(half, "peak_mb")} |')
    return lines


def run_config(cfg: str, batches: list, amps: list, args) -> list:
    """Measure one config in a subprocess, for each batch and AMP setting; each result, or (for
    every setting) its error."""
    cmd = [sys.executable, __file__, '--single', cfg, '--depth', str(args.depth), '--batch',
           *map(str, batches), '--steps', str(args.steps), '--warmup', str(args.warmup),
           '--threads', str(args.threads), '--device', args.device, '--data-root', args.data_root,
           '--amp-steps', *('on' if a else 'off' for a in amps)]
    cmd += ['--size', str(args.size)] if args.size else []
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    results = [json.loads(line[len('RESULT '):]) for line in proc.stdout.splitlines()
               if line.startswith('RESULT ')]
    if proc.returncode != 0 or len(results) != len(batches) * len(amps):
        print(f'    failed:\n{proc.stderr[-1500:]}', flush=True)
        error = proc.stderr.strip().splitlines()[-1:]
        return [dict(config=cfg, batch=b, amp=a, error=error) for b in batches for a in amps]
    for run in results:
        print(f'    batch {run["batch"]}{" amp" if run["amp"] else ""}: '
              f'{run["median_s"] * 1000:.0f} ms/step, peak {run["peak_mb"]:.0f} MB', flush=True)
    return results


def header(args, what: str) -> list:
    """Title and environment line of the results page (:func:`cost_header`)."""
    return cost_header(what, args.device, args.threads)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--configs', nargs='+', help='configs to measure (default: all selfsup; '
                        'with several --batch or --size: SCALING_CONFIGS)')
    parser.add_argument('--references', nargs=2, default=[MOCOV2, DENSECL],
                        metavar=('MOCOV2', 'DENSECL'), help='the two reference configs')
    parser.add_argument('--depth', type=int, default=18, choices=[18, 50],
                        help='50: widen ResNet-18 configs to ResNet-50 (widen_for_r50)')
    parser.add_argument('--batch', type=int, nargs='+', default=[8])
    parser.add_argument('--size', type=int, help='view size (default: the config\'s own)')
    parser.add_argument('--amp', choices=['off', 'on', 'both'], default='off',
                        help='mixed precision (AmpOptimWrapper; CUDA only)')
    parser.add_argument('--steps', type=int, default=7)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=1,
                        help='rounds over the methods (each config keeps its fastest run)')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--data-root', default=osp.join(ROOT, 'work_dirs', 'bench_toy'))
    parser.add_argument('--out', help='results file (default benchmarks/results/speed_r{depth}_'
                        '{device}.md, scaling_r{depth}_{device}.md for a scaling run)')
    parser.add_argument('--single', help=argparse.SUPPRESS)
    parser.add_argument('--amp-steps', nargs='+', default=['off'], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.single:
        args.amps = [a == 'on' for a in args.amp_steps]
        for result in measure_one(args):
            print('RESULT ' + json.dumps(result), flush=True)
        return None
    if args.amp != 'off' and args.device != 'cuda':
        parser.error('--amp needs --device cuda (mmengine\'s AmpOptimWrapper)')

    refs = tuple(args.references)
    scaling = len(args.batch) > 1 or args.size is not None
    default = SCALING_CONFIGS if scaling else default_configs()
    methods = [c for c in (args.configs or default) if c not in refs]
    amps = {'off': [False], 'on': [True], 'both': [False, True]}[args.amp]
    if args.device == 'cuda':
        # a GPU is not shared: one process per config measures every batch and AMP setting (peak
        # statistics reset in between), the references once
        runs, configs = [], (list(refs) + methods) * args.repeats
        for i, cfg in enumerate(configs, 1):
            print(f'[{i}/{len(configs)}] {cfg}', flush=True)
            runs += run_config(cfg, args.batch, amps, args)
        rows = {(b, 'on' if a else 'off'): aggregate(
            [r for r in runs if r['batch'] == b and r['amp'] == a], refs)
            for b in args.batch for a in amps}
    else:
        rows = {}
        for batch in args.batch:
            # the references run before each round of methods and once more after the last, so
            # that a burst of load on a shared machine cannot skew every ratio; each config's
            # figure is its fastest run
            configs = (list(refs) + methods) * args.repeats + list(refs)
            runs = []
            for i, cfg in enumerate(configs, 1):
                print(f'[batch {batch} {i}/{len(configs)}] {cfg}', flush=True)
                runs += run_config(cfg, [batch], [False], args)
            rows[(batch, 'off')] = aggregate(runs, refs)
    if scaling:
        return write_scaling(rows, refs, args)
    return write_single(rows[(args.batch[0], 'off')], refs, args)


def write_scaling(rows: dict, refs: tuple, args) -> dict:
    """The scaling table and its targets, printed and written to the results file."""
    depths = sorted({r['depth'] for b in rows.values() for r in b if r.get('depth')})
    depth = '/'.join(map(str, depths)) or str(args.depth)
    backbones = ' / '.join(dict.fromkeys(r['backbone'] for b in rows.values() for r in b
                                         if r.get('backbone'))) or f'ResNet-{depth}'
    size = f'{args.size} px views' if args.size else "the configs' own view sizes"
    mmselfsup_refs = tuple(refs) == (MOCOV2, DENSECL)
    lines = header(args, f'Pre-training cost against the batch, {backbones}, {size}, '
                   f'{args.device}')
    lines += [
        f'Median of {args.steps} train steps after {args.warmup} warm-up; '
        + (f'each config and batch in its own process, fastest of {args.repeats} run(s) per '
           f'method and {args.repeats + 1} '
           'per reference (before each round and after the last).' if args.device == 'cpu' else
           f'one process per config (all batches and AMP settings in it, peak statistics reset '
           f'in between), fastest of {args.repeats} run(s).')
        + ' One batch of toy scenes drawn at '
        f'1.25 x {args.size or "?"} by 1.67 x {args.size or "?"} px, its views made by the '
        "config's own pipeline, reused for every step. "
        + ("Ratios are to MMSelfSup's MoCo v2 and DenseCL on the same backbone at the same batch; "
           if mmselfsup_refs else
           'Ratios are to the two reference configs named in the columns, at the same batch; ')
        + '"mem x half batch" is the peak memory '
        'growth over that of half the batch (2.0: linear). Peak memory: '
        + ('peak RSS growth during the steps.' if args.device == 'cpu' else
           'max CUDA allocation (model, optimizer state and activations).'),
        '**Absolute figures are machine-dependent** (and noisy on shared machines); ratios are the '
        'result.', '']
    lines += scaling_table(rows, refs, args)
    by_batch = {b: r for (b, amp), r in rows.items() if amp == 'off'}
    verdicts = scaling_verdicts(by_batch) if mmselfsup_refs else []
    if any(not v.endswith('not measured in this run.') for v in verdicts):
        lines += ['', 'Targets (at 224 px):', ''] + verdicts
    lines += ['', 'Noise: every run of the references.', '']
    for (batch, amp), batch_rows in sorted(rows.items()):
        lines += [f'batch {batch}{", amp" if amp == "on" else ""}: {line[2:]}'
                  for line in reference_spread(batch_rows, refs)]
    table = '\n'.join(lines) + '\n'
    print('\n' + table)
    out = args.out or osp.join(ROOT, 'benchmarks', 'results',
                               f'scaling_r{depth.replace("/", "-")}_{args.device}.md')
    _write(out, table, {f'{b}{"_amp" if a == "on" else ""}': r for (b, a), r in rows.items()})
    return rows


def _write(out: str, table: str, data) -> None:
    write_results(out, table, data)


def write_single(rows: list, refs: tuple, args) -> list:
    """The per-config table of one batch (every method), printed and written."""
    ref = {r['config']: r for r in rows if 'median_s' in r and r['config'] in refs}
    if refs[0] not in ref or refs[1] not in ref:
        raise SystemExit('the MoCo v2 / DenseCL references failed; no ratios can be given')
    m, d = ref[refs[0]], ref[refs[1]]
    batch = args.batch[0]
    lines = header(args, f'Pre-training step time and peak memory, ResNet-{args.depth}, batch '
                   f'{batch}, {args.device}')
    lines += [
        f'Median of {args.steps} train steps after {args.warmup} warm-up, fastest of '
        f'{args.repeats} run(s) per method and {args.repeats + 1} per reference (run before each '
        'round of methods and after the last), one batch of toy scenes '
        '(64 px crops) reused. Ratios are ours / MMSelfSup\'s, measured in the same run. '
        '**Absolute figures are machine-dependent** (and noisy on shared machines); the ratios are '
        'the result.',
        'Peak memory: '
        f'{"peak RSS growth during the steps" if args.device == "cpu" else "max CUDA allocation"}.',
        *(['ResNet-50: backbone depth 50 and every 512-channel input after it widened to 2048 '
           '(``widen_for_r50``); config names keep their r18 stem.'] if args.depth == 50 else []),
        '', '| config | model | ms/step | x MoCo v2 | x DenseCL | peak MB | x MoCo v2 mem '
        '| params (M) |',
        '|---|---|---|---|---|---|---|---|']
    for r in rows:
        name = _stem(r['config'])
        if 'median_s' not in r:
            lines.append(f'| {name} | failed: {r["error"]} | | | | | | |')
            continue
        lines.append(
            f'| {name} | {r["type"]} | {r["median_s"] * 1000:.0f} | '
            f'{r["median_s"] / m["median_s"]:.2f}'
            f' | {r["median_s"] / d["median_s"]:.2f} | {r["peak_mb"]:.0f} | '
            f'{r["peak_mb"] / m["peak_mb"]:.2f} | {r["params_m"]:.1f} |')
    lines += ['', 'Targets (step time, this run):', ''] + target_verdicts(rows)
    lines += ['', 'Noise: every run of the references and, with repeats, how far the runs of a '
              'method lie apart.', '']
    lines += reference_spread(rows, refs)
    table = '\n'.join(lines) + '\n'
    print('\n' + table)
    out = args.out or osp.join(ROOT, 'benchmarks', 'results',
                               f'speed_r{args.depth}_{args.device}.md')
    _write(out, table, rows)
    return rows


if __name__ == '__main__':
    main()
