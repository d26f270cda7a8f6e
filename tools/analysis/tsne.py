"""t-SNE of pixel features coloured by class; several checkpoints (columns) and layers (rows).

From models (features are extracted on the fly, on the same sampled pixels for every model):

    python tools/analysis/tsne.py \
        --model "random init" configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py \
                none \
        --model "PLMoCo w/dec" configs/selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py \
                work_dirs/plmoco_dec/iter_300.pth \
        --layers stage4 decoder --split val --num-per-class 150 --out work_dirs/analysis/tsne.png

A dataset in its own layout (VOC 2012 aug, Cityscapes, ADE20K, ...) through its segmentation
config: the split is that config's <split>_dataloader, with its classes and label reading:

    python tools/analysis/tsne.py --model ... \
        --data-config configs/_base_/datasets/cityscapes_seg.py --data-root data/cityscapes \
        --split val --resize 256 512 --out work_dirs/analysis/tsne_cityscapes.png

From files written by tools/analysis/extract_features.py (one panel each, in one row):

    python tools/analysis/tsne.py --features a_stage4.npz b_stage4.npz --out tsne.png

scikit-learn's Barnes-Hut t-SNE after PCA to 50 dimensions (openTSNE would be faster for >10k
points, but is not installed; a panel here has a few thousand).
"""
import argparse
import os.path as osp


def parse_args(argv=None):
    from ssl4dp_mm.analysis.collect import add_data_args, add_model_args
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_model_args(parser)
    parser.add_argument('--features', nargs='+', help='.npz files from extract_features.py instead')
    parser.add_argument('--labels', nargs='+', help='panel labels for --features (default: source)')
    parser.add_argument('--layers', nargs='+', default=['stage4', 'decoder'],
                        help='rows (with --model)')
    parser.add_argument('--split', default='val',
                        help='sub-folder of img_dir/ann_dir (with --data-config: its loader)')
    parser.add_argument('--out', required=True, help='output PNG')
    parser.add_argument('--perplexity', type=float, default=30.0)
    parser.add_argument('--max-iter', type=int, default=1000, help='t-SNE iterations')
    parser.add_argument('--title', default=None, help='figure title')
    add_data_args(parser, num_per_class=150)
    args = parser.parse_args(argv)
    if bool(args.model) == bool(args.features):
        parser.error('give either --model (one or more) or --features')
    if args.labels and len(args.labels) != len(args.features or []):
        parser.error('--labels needs one label per --features file')
    return args


def panels_from_models(args):
    from ssl4dp_mm.analysis.collect import collect_layers, load_split, parse_model_specs
    from ssl4dp_mm.analysis.tsne import Panel
    specs = parse_model_specs(args.model)
    images, samples = load_split(args, args.split)
    panels = [[] for _ in args.layers]
    feats = [[] for _ in args.layers]
    for spec in specs:
        (per_layer, ), missing = collect_layers(spec, args.layers, [(images, samples)],
                                                device=args.device)
        for r, layer in enumerate(args.layers):
            panels[r].append(Panel(f'{spec.label} | {layer}\n{spec.source}', labels=samples.labels,
                                   note=missing.get(layer, '')))
            feats[r].append(per_layer[layer])
    title = args.title or (f't-SNE of pixel features ({args.split} split, up to '
                           f'{args.num_per_class} pixels per class, seed {args.seed})')
    return panels, feats, images.class_names, images.palette, title


def panels_from_files(args):
    from ssl4dp_mm.analysis.features import load_features
    from ssl4dp_mm.analysis.tsne import Panel
    data = [load_features(path) for path in args.features]
    names = data[0]['class_names']
    for path, d in zip(args.features, data):
        if d['class_names'] != names:
            raise ValueError(f'{path!r} has classes {d["class_names"]}, '
                             f'{args.features[0]!r} has {names}')
    labels = args.labels or [d['source'] for d in data]
    panels = [[Panel(f'{label} | {d["layer"]}\n{d["source"]}', labels=d['labels'])
               for label, d in zip(labels, data)]]
    palette = data[0]['palette'] if len(data[0]['palette']) else None
    title = args.title or 't-SNE of pixel features'
    return panels, [[d['features'] for d in data]], names, palette, title


def main(argv=None):
    args = parse_args(argv)
    from ssl4dp_mm.analysis.collect import apply_threads, progress_bar
    apply_threads(args)
    from ssl4dp_mm.analysis.tsne import embed_panels, plot_panels
    panels, feats, class_names, palette, title = (
        panels_from_models(args) if args.model else panels_from_files(args))
    embed_panels(panels, feats, progress=progress_bar('t-SNE', 'panel'), seed=args.seed,
                 perplexity=args.perplexity, max_iter=args.max_iter, num_threads=args.threads)
    plot_panels(panels, class_names, args.out, palette=palette, suptitle=title)
    print(f'wrote {args.out} ({osp.getsize(args.out) / 1024:.0f} KB)')
    return args.out


if __name__ == '__main__':
    from ssl4dp_mm.cli import run_tool  # bad input: one line on stderr, exit status 1
    run_tool(main)
