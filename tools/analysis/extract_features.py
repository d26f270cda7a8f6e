"""Extract per-layer features at class-balanced pixels of labelled images and save them as .npz.

    python tools/analysis/extract_features.py CONFIG CHECKPOINT|none \
        --layers stage1 stage2 stage3 stage4 decoder --split val --num-per-class 200 \
        --out-dir work_dirs/analysis/features

CONFIG is a pre-training or segmentation config; CHECKPOINT a pre-training, MMSeg or converted
checkpoint, or "none" for the config's random initialisation. One file per layer,
``<out-dir>/<name>_<layer>.npz``, with ``features`` (NxC), ``labels``, ``class_names``, ``layer``,
``checkpoint``, ``config``, the pixel positions and the seed (see ssl4dp_mm/analysis/features.py).
Features are upsampled bilinearly to image resolution and read at the sampled pixels.
"""
import argparse
import os.path as osp


def parse_args(argv=None):
    from ssl4dp_mm.analysis.collect import add_data_args
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('config', help='pre-training or segmentation config')
    parser.add_argument('checkpoint', help='checkpoint, or "none" for random init')
    parser.add_argument('--layers', nargs='+',
                        default=['stage1', 'stage2', 'stage3', 'stage4', 'decoder'],
                        help='stage1..stage4 (backbone outputs) and/or decoder')
    parser.add_argument('--split', default='val',
                        help='sub-folder of img_dir/ann_dir (with --data-config: its loader)')
    parser.add_argument('--out-dir', required=True, help='where the .npz files go')
    parser.add_argument('--name',
                        help='file name prefix (default: the checkpoint name or "random")')
    add_data_args(parser, num_per_class=200)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from ssl4dp_mm.analysis.collect import (apply_threads, collect_layers, load_split,
                                            parse_model_specs)
    from ssl4dp_mm.analysis.features import save_features
    apply_threads(args)
    spec, = parse_model_specs([(args.name or '', args.config, args.checkpoint)])
    name = args.name or (osp.splitext(osp.basename(spec.checkpoint))[0] if spec.checkpoint
                         else 'random')
    spec.label = name
    images, samples = load_split(args, args.split)
    (feats, ), missing = collect_layers(spec, args.layers, [(images, samples)],
                                        device=args.device)
    if missing:
        raise ValueError('; '.join(missing.values()))
    written = []
    for layer in args.layers:
        path = osp.join(args.out_dir, f'{name}_{layer}.npz')
        save_features(path, feats[layer], samples, images, layer, spec.checkpoint, args.config,
                      args.seed)
        written.append(path)
        print(f'{layer}: {feats[layer].shape[0]} pixels x {feats[layer].shape[1]} channels '
              f'-> {path}')
    return written


if __name__ == '__main__':
    from ssl4dp_mm.cli import run_tool  # bad input: one line on stderr, exit status 1
    run_tool(main)
