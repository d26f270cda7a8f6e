"""Every frozen dense protocol on every dataset of a suite, for one checkpoint, in one table.

    python tools/evaluate_dense.py CKPT|none|random:r18 \
        --suite toy camvid voc ade20k cityscapes cocostuff27 \
        [--data-root voc=PATH ade20k=PATH ...] [--protocols knn kmeans lp-convex retrieval \
        hummingbird lp-dinov2] [--dinov2-variants linear linear4+ms] [--seeds 3] \
        [--device cuda] [--work-dir work_dirs/dense]

Per dataset it runs kNN, K-means (K = #classes, and over-clustering at --over-ks where the val
split has more cells), LP-convex, segment retrieval, Hummingbird (its bank-size sweep) and the
DINOv2 linear probe (its variants: last layer or last four, with and without the multi-scale
test) on the frozen maps of --layers, writes one record per protocol and seed
(skipped when it exists: rerun the same command to resume) and the table
``<work-dir>/<name>/dense_suite.{md,json}``: mean ± std over seeds, seconds per protocol (feature
extraction apart) and the settings that move the numbers. Library: ssl4dp_mm/evaluation/suite.py
(datasets, sizes and configs as data there); protocols: tools/evaluate_frozen.py.
Data roots: toy and camvid have defaults; voc (the VOC2012 folder), cityscapes, ade20k
(ADEChallengeData2016) and cocostuff27 (STEGO's cocostuff folder) need --data-root NAME=PATH.
"""
import argparse
import os.path as osp

from ssl4dp_mm.cli import run_tool
from ssl4dp_mm.evaluation.linear_dinov2 import DINOV2_VARIANTS
from ssl4dp_mm.evaluation.run import FrozenOptions
from ssl4dp_mm.evaluation.suite import OVER_KS, SUITE_DATASETS, SUITE_PROTOCOLS, run_suite


def _key_value(text: str):
    if '=' not in text:
        raise argparse.ArgumentTypeError(f'{text!r} is not NAME=PATH')
    key, value = text.split('=', 1)
    return key, osp.abspath(value)


def parse_args(argv=None):
    d = FrozenOptions()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('checkpoint', help="checkpoint, or 'none' / 'random:r18' (random init)")
    parser.add_argument('--suite', nargs='+', default=['toy'], choices=sorted(SUITE_DATASETS))
    parser.add_argument('--protocols', nargs='+', default=list(SUITE_PROTOCOLS),
                        choices=SUITE_PROTOCOLS)
    parser.add_argument('--seeds', type=int, default=1, help='seeds 0..N-1 of the seeded '
                        'protocols (retrieval runs once)')
    parser.add_argument('--data-root', nargs='+', type=_key_value, default=[],
                        metavar='NAME=PATH')
    parser.add_argument('--work-dir', default='work_dirs/dense')
    parser.add_argument('--name', help='row label (default: the checkpoint file stem)')
    parser.add_argument('--config', help='model config for every dataset (default per dataset)')
    parser.add_argument('--layers', nargs='+', default=['decoder'])
    parser.add_argument('--img-scale', nargs=2, type=int, metavar=('H', 'W'),
                        help='size the model sees, every dataset (default per dataset)')
    parser.add_argument('--label-scale', nargs=2, type=int, metavar=('H', 'W'),
                        help='size labels are scored at, every dataset (default per dataset)')
    parser.add_argument('--max-images', type=int, help='first images of each split only')
    parser.add_argument('--over-ks', type=int, nargs='*', default=list(OVER_KS),
                        help='K of K-means over-clustering')
    parser.add_argument('--knn-k', type=int, default=d.knn_k)
    parser.add_argument('--probe-max-iter', type=int, default=d.probe_max_iter)
    parser.add_argument('--hbird-bank-sizes', type=int, nargs='+',
                        help='banks scored (default: 1024 x 10^k up to what exists)')
    parser.add_argument('--hbird-crop-size', nargs=2, type=int, metavar=('H', 'W'))
    parser.add_argument('--hbird-mask-size', nargs=2, type=int, metavar=('H', 'W'))
    parser.add_argument('--dinov2-iters', type=int, default=d.dinov2_iters)
    parser.add_argument('--dinov2-batch-size', type=int, default=d.dinov2_batch_size)
    parser.add_argument('--dinov2-crop-size', nargs=2, type=int, metavar=('H', 'W'),
                        default=list(d.dinov2_crop_size))
    parser.add_argument('--dinov2-layers', default=d.dinov2_layers, choices=('last', 'last4'))
    parser.add_argument('--dinov2-variants', nargs='+', choices=DINOV2_VARIANTS,
                        help="DINOv2 probes side by side, by DINOv2's names (a '+ms' record also "
                        'gives the single-scale score); default: the one of --dinov2-layers')
    parser.add_argument('--device', default='cpu', choices=('cpu', 'cuda'))
    parser.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    parser.add_argument('--force', action='store_true', help='redo recorded protocols')
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error('--seeds must be >= 1')
    return args


def main(argv=None):
    args = parse_args(argv)
    import torch
    torch.set_num_threads(max(1, args.threads))
    opts = FrozenOptions(
        knn_k=args.knn_k, probe_max_iter=args.probe_max_iter,
        hbird_bank_sizes=tuple(args.hbird_bank_sizes) if args.hbird_bank_sizes else None,
        hbird_crop_size=tuple(args.hbird_crop_size) if args.hbird_crop_size else None,
        hbird_mask_size=tuple(args.hbird_mask_size) if args.hbird_mask_size else None,
        dinov2_iters=args.dinov2_iters, dinov2_batch_size=args.dinov2_batch_size,
        dinov2_crop_size=tuple(args.dinov2_crop_size), dinov2_layers=args.dinov2_layers,
        dinov2_variants=tuple(args.dinov2_variants) if args.dinov2_variants else None)
    out = run_suite(args.checkpoint, args.suite, args.work_dir, args.name, dict(args.data_root),
                    args.protocols, tuple(range(args.seeds)), args.layers, opts,
                    tuple(args.over_ks), args.config,
                    tuple(args.img_scale) if args.img_scale else None,
                    tuple(args.label_scale) if args.label_scale else None, args.max_images,
                    args.device, args.force)
    print('\n' + out['markdown'])
    return out


if __name__ == '__main__':
    run_tool(main)  # bad input: one line on stderr, exit status 1
