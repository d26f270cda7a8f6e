"""Mask quality: how well pre-training masks cover the ground-truth segments of a labelled split.

    python tools/analysis/mask_quality.py --data-root data/toy_scenes --split train \
        --config configs/selfsup/detcon/detcons_r18-d8-mocofcn_1xb8-300i_toyscenes.py \
        --mask GridMasks grid=4 --mask SLICMasks n_segments=32 --mask LoadGTMasks \
        [--resize H W] [--segments class|component] [--max-images N] [--out FILE.md]

Each ``--config`` contributes the mask transform of its training pipeline, applied after the steps
before it (image loading, and e.g. CamVid's resize to 240x180), exactly as in pre-training; each
``--mask TYPE key=value ...`` is a transform of MMSelfSup's registry (FelzenszwalbMasks, SLICMasks,
GridMasks, LoadGTMasks, ...), applied to the image (resized to ``--resize`` first, if given). The
label maps are resized (nearest) to the masks' size. For every ground-truth segment (one per class
per image, or per connected component) the best IoU with any mask; the table gives its mean over
the segments of the split and the coverage at IoU >= 0.5 (library:
``ssl4dp_mm/analysis/mask_quality.py``). Ground-truth masks score 1.0. Writes the table to ``--out``
(and the figures as JSON beside it) when given.
"""
import argparse
import datetime
import json
import os
import os.path as osp
import platform
import sys

MASK_TYPES = ('FelzenszwalbMasks', 'SLICMasks', 'GridMasks', 'LoadGTMasks')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--data-root', default='data/toy_scenes')
    parser.add_argument('--dataset-type', default='ToyScenesDataset')
    parser.add_argument('--split', default='train')
    parser.add_argument('--config', action='append', default=[],
                        help='pre-training config whose mask transform to measure (repeatable)')
    parser.add_argument('--mask', nargs='+', action='append', default=[],
                        metavar='TYPE [KEY=VALUE ...]', help='a mask transform (repeatable)')
    parser.add_argument('--resize', nargs=2, type=int, metavar=('H', 'W'),
                        help='resize images (bilinear) before a --mask transform')
    parser.add_argument('--segments', default='class', choices=('class', 'component'))
    parser.add_argument('--threshold', type=float, default=0.5, help='coverage threshold')
    parser.add_argument('--max-images', type=int)
    parser.add_argument('--out', help='write the Markdown table here (+ .json beside it)')
    args = parser.parse_args(argv)
    if not args.config and not args.mask:
        parser.error('give at least one --config or --mask')
    return args


def settings(args):
    """[(label, load steps, mask transform cfg)] from --config and --mask."""
    from mmengine.config import Config

    from ssl4dp_mm.analysis.mask_quality import describe, parse_mask_spec
    out = []
    for path in args.config:
        cfg = Config.fromfile(path)
        pipeline = cfg.train_dataloader.dataset.pipeline
        idx = [i for i, t in enumerate(pipeline) if t.get('type') in MASK_TYPES]
        if not idx:
            raise ValueError(f'{path}: no mask transform ({", ".join(MASK_TYPES)}) in '
                             'train_dataloader.dataset.pipeline')
        mask_cfg = dict(pipeline[idx[0]])
        out.append((f'{describe(mask_cfg)} [{osp.basename(path)}]',
                    [dict(t) for t in pipeline[:idx[0]]], mask_cfg))
    load = [dict(type='LoadImageChecked')]
    if args.resize:
        load.append(dict(type='mmcv.Resize', scale=(args.resize[1], args.resize[0]),
                         keep_ratio=False))
    for spec in args.mask:
        mask_cfg = parse_mask_spec(spec)
        out.append((describe(mask_cfg) + (f' at {args.resize[0]}x{args.resize[1]}'
                                          if args.resize else ''), load, mask_cfg))
    return out


def main(argv=None):
    args = parse_args(argv)
    import mmcv
    from mmcv.transforms import Compose
    from mmselfsup.registry import TRANSFORMS

    import ssl4dp_mm  # noqa: F401  (registers the transforms)
    from ssl4dp_mm.analysis.collect import progress_bar
    from ssl4dp_mm.analysis.mask_quality import format_markdown, mask_quality
    from ssl4dp_mm.features.labelled_images import find_labelled_images
    images = find_labelled_images(args.data_root, args.split, args.dataset_type,
                                  max_images=args.max_images)
    rows = []
    for label, load, mask_cfg in settings(args):
        mask_cfg = dict(mask_cfg, key='masks')
        pipeline = Compose([TRANSFORMS.build(t) for t in load + [mask_cfg]])

        def read_pair(i, pipeline=pipeline):
            res = pipeline(dict(img_path=images.img_paths[i], seg_map_path=images.ann_paths[i]))
            masks = res['masks']
            gt = images.read_label(i)
            if gt.shape != masks.shape:
                gt = mmcv.imresize(gt.astype('uint8' if gt.max() < 256 else 'int32'),
                                   masks.shape[::-1], interpolation='nearest').astype('int64')
            return gt, masks

        quality = mask_quality(read_pair, len(images), label, images.ignore_index,
                               args.segments, progress_bar(label[:40], 'img'))
        rows.append(quality.summary(args.threshold))
        print(f'{label}: mean best IoU {rows[-1]["mean_best_iou"]:.3f}, coverage '
              f'{rows[-1]["coverage"]:.3f}', flush=True)
    md = format_markdown(rows, args.threshold)
    header = (f'Mask quality on {args.data_root} / {args.split} ({len(images)} images, '
              f'{args.segments} segments): for every ground-truth segment the best IoU with any '
              f'mask; mean over segments, and the share with IoU >= {args.threshold:g}.\n\n')
    print('\n' + header + md)
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        meta = dict(date=datetime.date.today().isoformat(), machine=platform.platform(),
                    processor=platform.processor() or platform.machine(), data_root=args.data_root,
                    split=args.split, images=len(images), segments=args.segments,
                    command='python tools/analysis/mask_quality.py ' + ' '.join(
                        sys.argv[1:] if argv is None else argv))
        with open(args.out, 'w') as f:
            f.write(f'# Mask quality\n\n{header}{md}\n\n'
                    f'Command: `{meta["command"]}`; {meta["date"]}, {meta["machine"]}.\n')
        with open(osp.splitext(args.out)[0] + '.json', 'w') as f:
            json.dump(dict(meta, rows=rows), f, indent=2)
    return rows


if __name__ == '__main__':
    from ssl4dp_mm.cli import run_tool  # bad input: one line on stderr, exit status 1
    run_tool(main)
