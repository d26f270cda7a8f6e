"""Linear separability per layer: a linear SVM on pixel features of training images, tested on
held-out images. Rows: checkpoints; columns: layers; Markdown and CSV.

    python tools/analysis/svm_separability.py \
        --model "random init" configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py \
                none \
        --model "PLMoCo w/dec" configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py \
                work_dirs/plmoco_dec/iter_300.pth \
        --layers stage1 stage2 stage3 stage4 decoder --train-split train --test-split val \
        --num-per-class 200 --out-dir work_dirs/analysis/svm

A dataset in its own layout through its segmentation config (the splits are its loaders):

    python tools/analysis/svm_separability.py --model ... \
        --data-config configs/_base_/datasets/voc12aug_seg.py \
        --data-root data/VOCdevkit/VOC2012 --train-split train --test-split val --out-dir ...

Writes <out-dir>/separability.md and separability.csv (accuracy of the test pixels; the pixels are
class-balanced, so chance is 1 / #classes). A layer a model does not have is "-".
"""
import argparse
import os
import os.path as osp


def parse_args(argv=None):
    from ssl4dp_mm.analysis.collect import add_data_args, add_model_args
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_model_args(parser)
    parser.add_argument('--layers', nargs='+',
                        default=['stage1', 'stage2', 'stage3', 'stage4', 'decoder'],
                        help='columns: stage1..stage4 and/or decoder')
    parser.add_argument('--train-split', default='train',
                        help='images the SVM is trained on (a sub-folder of img_dir/ann_dir; '
                        'with --data-config: its loader)')
    parser.add_argument('--test-split', default='val', help='held-out images it is tested on')
    parser.add_argument('--test-num-per-class', type=int,
                        help='test pixels per class (default: --num-per-class)')
    parser.add_argument('--C', type=float, default=1.0, help='SVM inverse regularisation')
    parser.add_argument('--out-dir', required=True, help='where separability.md/.csv go')
    add_data_args(parser, num_per_class=200)
    args = parser.parse_args(argv)
    if not args.model:
        parser.error('give at least one --model')
    return args


def main(argv=None):
    args = parse_args(argv)
    from ssl4dp_mm.analysis.collect import (apply_threads, collect_layers, load_split,
                                            parse_model_specs, progress_bar, split_source)
    apply_threads(args)
    from ssl4dp_mm.analysis.separability import format_markdown, linear_svm_accuracy, write_csv
    specs = parse_model_specs(args.model)  # checks the files before any work
    train = load_split(args, args.train_split)
    test_args = argparse.Namespace(**vars(args))
    test_args.num_per_class = args.test_num_per_class or args.num_per_class
    test_args.seed = args.seed + 1  # an independent draw (the images differ anyway)
    test = load_split(test_args, args.test_split)
    table = {}
    for spec in specs:
        (tr, te), missing = collect_layers(spec, args.layers, [train, test],
                                           device=args.device)
        row = {}
        for layer in progress_bar(f'SVM {spec.label}', 'layer')(args.layers):
            row[layer] = None if layer in missing else linear_svm_accuracy(
                tr[layer], train[1].labels, te[layer], test[1].labels, C=args.C, seed=args.seed)
        table[f'{spec.label} ({spec.source})' if spec.checkpoint else spec.label] = row
    md = format_markdown(table, args.layers)
    n_classes = len(set(test[1].labels.tolist()))
    header = (f'Linear SVM accuracy (%) of pixel features: trained on {len(train[1])} pixels of '
              f'{split_source(args, args.train_split)}, tested on {len(test[1])} pixels of '
              f'{args.test_split} (class-balanced, chance {100 / n_classes:.1f}%).\n\n')
    os.makedirs(args.out_dir, exist_ok=True)
    with open(osp.join(args.out_dir, 'separability.md'), 'w') as f:
        f.write(header + md + '\n')
    write_csv(osp.join(args.out_dir, 'separability.csv'), table, args.layers)
    print(header + md)
    return table


if __name__ == '__main__':
    from ssl4dp_mm.cli import run_tool  # bad input: one line on stderr, exit status 1
    run_tool(main)
