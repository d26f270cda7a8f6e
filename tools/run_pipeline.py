"""The main job: pre-train, convert, linear-probe and fine-tune, then print an mIoU table.

    python tools/run_pipeline.py                       # embedded toy scenes, ~10 min on 2 CPU cores
    python tools/run_pipeline.py --quick               # a reduced run (smoke test, ~2 min)

Steps (each one a separate ``tools/train.py`` / ``tools/test.py`` process, as a user would run them,
through ``ssl4dp_mm/evaluation/stages.py``):

1. generate the embedded toy scenes (seeded; reused when present);
2. pre-train PLMoCo w/dec (MoCoFCN decoder) on the training images without labels;
3. convert the checkpoint (backbone + decoder) into MMSeg weights, checked against the seg config;
4. for random init and for the pre-trained weights: linear probe (only ``conv_seg`` learns) and a
   short fine-tune, each tested on the validation split;
5. print the mIoU table and write it to ``<work-dir>/results.md`` and ``results.json``.
"""
import argparse
import json
import os.path as osp
import sys
import time

from ssl4dp_mm.datasets.toy_scenes import make_toy_scenes
from ssl4dp_mm.evaluation.stages import StageFailed, run_stage

PRETRAIN_CFG = 'configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
LP_CFG = 'configs/seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py'
FT_CFG = 'configs/seg/mocofcn/mocofcn_r18-d8_ft100-300i_toyscenes.py'


def data_options(data_root: str) -> list:
    return [f'{loader}.dataset.data_root={data_root}'
            for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def seg_run(label: str, cfg: str, iters: int, load_from: str, args, py: str) -> float:
    """Train a segmentation model for ``iters`` and test it; returns the val mIoU."""
    work = osp.join(args.work_dir, label)
    opts = data_options(args.data_root) + [
        f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
        f'default_hooks.checkpoint.interval={iters}', f'randomness.seed={args.seed}']
    if cfg == FT_CFG:
        opts += [f'param_scheduler.0.T_max={iters}', f'param_scheduler.0.end={iters}']
    if load_from:
        opts.append(f'load_from={load_from}')
    run_stage(f'{label}: train', [py, 'tools/train.py', cfg, '--work-dir', work, '--cfg-options'] +
              opts, osp.join(work, 'train.log'))
    metrics_file = osp.join(work, 'metrics.json')
    run_stage(f'{label}: test', [
        py, 'tools/test.py', cfg, osp.join(work, f'iter_{iters}.pth'), '--work-dir', work,
        '--out-metrics', metrics_file, '--cfg-options'] + data_options(args.data_root),
        osp.join(work, 'test.log'))
    with open(metrics_file) as f:
        return float(json.load(f)['mIoU'])


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--work-dir', default='work_dirs/pipeline')
    parser.add_argument('--data-root', default='data/toy_scenes')
    parser.add_argument('--pretrain-config', default=PRETRAIN_CFG)
    parser.add_argument('--pretrain-iters', type=int, default=300)
    parser.add_argument('--lp-iters', type=int, default=200)
    parser.add_argument('--ft-iters', type=int, default=200)
    parser.add_argument('--num-train', type=int, default=200)
    parser.add_argument('--num-val', type=int, default=40)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--quick', action='store_true',
                        help='a reduced run for smoke tests (few iterations, few images)')
    args = parser.parse_args(argv)
    if args.quick:
        args.pretrain_iters, args.lp_iters, args.ft_iters = 6, 4, 4
        args.num_train, args.num_val = 16, 4
    args.work_dir = osp.abspath(args.work_dir)
    args.data_root = osp.abspath(args.data_root)
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except StageFailed as err:
        raise SystemExit(str(err)) from err


def run(args) -> dict:
    """The steps of the module docstring; returns ``{row: {'lp': mIoU, 'ft': mIoU}}``."""
    py = sys.executable
    start = time.time()

    print(f'==> toy scenes in {args.data_root}', flush=True)
    make_toy_scenes(args.data_root, {'train': args.num_train, 'val': args.num_val}, seed=args.seed)

    pre_dir = osp.join(args.work_dir, 'pretrain')
    n = args.pretrain_iters
    run_stage('pre-train PLMoCo w/dec (no labels)', [
        py, 'tools/train.py', args.pretrain_config, '--work-dir', pre_dir, '--cfg-options',
        f'train_dataloader.dataset.data_root={args.data_root}', f'train_cfg.max_iters={n}',
        f'param_scheduler.0.T_max={n}', f'param_scheduler.0.end={n}',
        f'default_hooks.checkpoint.interval={n}', f'randomness.seed={args.seed}'
    ], osp.join(pre_dir, 'train.log'))

    converted = osp.join(pre_dir, 'converted_mmseg.pth')
    run_stage('convert backbone + decoder to MMSeg', [
        py, 'tools/convert_checkpoint.py', osp.join(pre_dir, f'iter_{n}.pth'), converted,
        '--seg-config', LP_CFG], osp.join(pre_dir, 'convert.log'))

    results = {}
    for init, load_from in (('random init', None), ('PLMoCo w/dec', converted)):
        tag = 'random' if load_from is None else 'plmoco'
        results[init] = dict(
            lp=seg_run(f'{tag}_lp', LP_CFG, args.lp_iters, load_from, args, py),
            ft=seg_run(f'{tag}_ft', FT_CFG, args.ft_iters, load_from, args, py))

    wall = time.time() - start
    lines = [
        f'mIoU (%) on the toy scenes val split ({args.num_val} images), MoCoFCN on ResNet-18-d8; '
        f'pre-training {args.pretrain_iters} iters, LP {args.lp_iters} iters, FT {args.ft_iters} '
        f'iters, seed {args.seed}', '',
        '| pre-training | LP-100% | FT-100% |', '|---|---|---|']
    lines += [f'| {k} | {v["lp"]:.2f} | {v["ft"]:.2f} |' for k, v in results.items()]
    lines += ['', f'wall time: {wall / 60:.1f} min']
    table = '\n'.join(lines)
    print('\n' + table)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(dict(results=results, wall_s=wall, args=vars(args)), f, indent=2)
    return results


if __name__ == '__main__':
    main()
