"""Evaluate a checkpoint on frozen features, without training a segmentation head.

    python tools/evaluate_frozen.py CKPT|none [--config CFG] --dataset {toy,camvid} \
        [--layers decoder backbone.layer4] [--protocols lp-convex retrieval knn kmeans svm \
        hummingbird lp-dinov2] \
        [--seeds 0] [--name NAME] [--work-dir work_dirs/eval] [--data-root DIR] ...

Protocols (library: ``ssl4dp_mm/evaluation/``; reference: docs/evaluation.md):

- ``lp-convex``: LP-100%'s 1x1 conv on the same frozen map, fitted to convergence by full-batch
  L-BFGS on a seeded pixel sample of the train split (deterministic; no SGD noise);
- ``retrieval``: semantic segment retrieval (ground-truth segments, mean features, nearest train
  segment names the class);
- ``knn``: kNN per-pixel classification (cosine, k and temperature, batched);
- ``kmeans``: K-means on val features, K = factors x #classes, Hungarian (K = C) or majority
  (K > C) matching, mIoU and pixel accuracy;
- ``svm``: one-vs-rest linear SVMs on pooled features, mAP (image labels from the label maps, or a
  VOC07 classification layout with ``--voc07-root``);
- ``hummingbird`` (opt-in): Hummingbird-style dense nearest-neighbour retrieval: a memory bank of
  patch features of augmented train crops labelled with class distributions, k = 30 neighbours,
  softmax(sim / 0.02) weights; mIoU per bank size 1024 x 10^k (``--hbird-*``);
- ``lp-dinov2`` (opt-in): DINOv2's linear probe (BatchNorm + 1x1 conv on the last layer or the
  last four concatenated), trained on cached maps, single-scale or multi-scale + flip test
  (``--dinov2-*``).

CKPT is any checkpoint the analysis tools read (ours with or without decoder, MMSelfSup, MMSeg,
converted, torchvision) or ``none`` (the config's random init). ``--config`` builds the model
(default: the dataset's MoCoFCN LP config; for plain-stem checkpoints a ``*_r18b-d8_seg.py`` model
base; for a ViT checkpoint (MMSeg ``VisionTransformer`` names, as our ViT pre-training writes them)
the dataset's ViT LP-100% leaf of its width, ``configs/seg/vit/{linear,fcn}_vit-{t,s,b}16_lp-*``:
the linear one without a decoder, the FCN one with). A ViT's token map is ``--layers
backbone.layers.11`` (the last block after the final LayerNorm, class token dropped, an
``H/16 x W/16`` map; recorded as ``stage12``); ``decoder`` reads its FCN decoder. A timm / DINO
checkpoint is converted first (``tools/convert_checkpoint.py ... --seg-config`` a ViT leaf);
the defaults per dataset and the ViT leaves are in ``ssl4dp_mm/evaluation/frozen_defaults.py``.
Each run writes ``<work-dir>/<name>/<head>_<backbone>_<dataset>/<protocol>-<layer>/seed<k>/
eval_result.json``; ``tools/analysis/results_table.py`` shows them as extra columns (e.g.
``kNN (decoder)``) beside FT-10% | LP-100% | FT-100%. Existing records are skipped unless --force.
"""
import argparse
import os.path as osp

from ssl4dp_mm.cli import run_tool
from ssl4dp_mm.evaluation.frozen_defaults import (FROZEN_DATASETS, VIT_TOKEN_LAYER,
                                                  vit_default_config)
from ssl4dp_mm.evaluation.records import NO_CHECKPOINT, default_name
from ssl4dp_mm.evaluation.run import (DEFAULT_PROTOCOLS, PROTOCOLS, FrozenOptions, FrozenRun,
                                      evaluate_frozen)
from ssl4dp_mm.paths import PROJECT_ROOT


def parse_args(argv=None):
    d = FrozenOptions()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('checkpoint', help="checkpoint, or 'none' for random init")
    parser.add_argument('--dataset', required=True, choices=sorted(FROZEN_DATASETS))
    parser.add_argument('--config', help='config that builds the model (default per dataset)')
    parser.add_argument('--layers', nargs='+', default=['decoder'],
                        help='backbone.layerN (or stageN) and/or decoder; a ViT\'s token map: '
                        f'{VIT_TOKEN_LAYER} (its last block, recorded as stage12)')
    parser.add_argument('--protocols', nargs='+', default=list(DEFAULT_PROTOCOLS),
                        choices=PROTOCOLS,
                        help=f'default: {" ".join(DEFAULT_PROTOCOLS)} (hummingbird and lp-dinov2 '
                        'are opt-in)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='seeds of the seeded protocols (retrieval runs once)')
    parser.add_argument('--name', help='row label (default: as tools/evaluate.py)')
    parser.add_argument('--head', default='mocofcn', help='head tag of the table the row joins')
    parser.add_argument('--backbone', default='r18-d8', help='backbone tag of that table')
    parser.add_argument('--work-dir', default='work_dirs/eval')
    parser.add_argument('--data-root', help='dataset root (MMSeg layout img_dir/, ann_dir/)')
    parser.add_argument('--dataset-type', help='registered MMSeg dataset (default per dataset)')
    parser.add_argument('--img-scale', nargs=2, type=int, metavar=('H', 'W'),
                        help='size the model sees (default per dataset; camvid: 180 240)')
    parser.add_argument('--label-scale', nargs=2, type=int, metavar=('H', 'W'),
                        help='size labels are scored at (default: their own size)')
    parser.add_argument('--max-images', type=int, help='first images of each split only')
    parser.add_argument('--init-seed', type=int, default=0,
                        help='seed of the random initialisation (checkpoint none): one '
                        'random-init baseline per seed')
    parser.add_argument('--knn-k', type=int, default=d.knn_k)
    parser.add_argument('--knn-temperature', type=float, default=d.knn_temperature)
    parser.add_argument('--max-bank', type=int, default=d.max_bank,
                        help='kNN bank cells at most (seeded sample; 0: all)')
    parser.add_argument('--retrieval-k', type=int, default=d.retrieval_k)
    parser.add_argument('--kmeans-factors', type=int, nargs='+', default=list(d.kmeans_factors),
                        help='K / #classes (1: Hungarian matching; >1: over-clustering)')
    parser.add_argument('--kmeans-n-init', type=int, default=d.kmeans_n_init)
    parser.add_argument('--kmeans-max-fit', type=int, default=d.kmeans_max_fit)
    parser.add_argument('--svm-C', type=float, default=d.svm_C)
    parser.add_argument('--svm-ignore-classes', type=int, nargs='*', default=None,
                        help='classes left out of the image labels (default: 0 on toy, the '
                        'background of every scene; none otherwise)')
    parser.add_argument('--voc07-root', help='image SVM on a VOC07 classification layout')
    parser.add_argument('--probe-pixels', type=int, default=d.probe_pixels,
                        help='train pixels per image of lp-convex (0: all)')
    parser.add_argument('--probe-weight-decay', type=float, default=d.probe_weight_decay)
    parser.add_argument('--probe-max-iter', type=int, default=d.probe_max_iter,
                        help='L-BFGS iterations at most (it stops earlier once converged)')
    parser.add_argument('--probe-balanced', action='store_true',
                        help='class-balanced loss weights in lp-convex')
    parser.add_argument('--hbird-k', type=int, default=d.hbird_k)
    parser.add_argument('--hbird-temperature', type=float, default=d.hbird_temperature)
    parser.add_argument('--hbird-epochs', type=int, default=d.hbird_epochs,
                        help='augmentation epochs of the memory bank')
    parser.add_argument('--hbird-bank-sizes', type=int, nargs='+',
                        help='banks scored (default: 1024 x 10^k up to what exists)')
    parser.add_argument('--hbird-max-bank', type=int, default=d.hbird_max_bank,
                        help='bank entries kept at most')
    parser.add_argument('--hbird-crop-size', nargs=2, type=int, metavar=('H', 'W'),
                        help='size of the bank crops (default: --img-scale, else the image size)')
    parser.add_argument('--hbird-mask-size', nargs=2, type=int, metavar=('H', 'W'),
                        help='size the label crops are counted at (default: the crop size)')
    parser.add_argument('--hbird-sampling', default=d.hbird_sampling,
                        choices=('uniform', 'per_image'),
                        help='uniform over all augmented cells, or the open implementation\'s '
                        'per-image rule (rare classes first)')
    parser.add_argument('--hbird-flip-prob', type=float, default=d.hbird_flip_prob)
    parser.add_argument('--hbird-ignore-as', type=int,
                        help='count ignored pixels as this class (the open implementation: 0)')
    parser.add_argument('--hbird-search', default=d.hbird_search, choices=('exact', 'faiss'),
                        help='exact blocked search (default) or faiss IndexFlatIP (needs faiss)')
    parser.add_argument('--dinov2-layers', default=d.dinov2_layers, choices=('last', 'last4'),
                        help="last: the layer (DINOv2's linear); last4: the four backbone stages "
                        'ending at it, concatenated (linear4)')
    parser.add_argument('--dinov2-iters', type=int, default=d.dinov2_iters)
    parser.add_argument('--dinov2-batch-size', type=int, default=d.dinov2_batch_size)
    parser.add_argument('--dinov2-crop-size', nargs=2, type=int, metavar=('H', 'W'),
                        default=list(d.dinov2_crop_size))
    parser.add_argument('--dinov2-optimizer', default=d.dinov2_optimizer, choices=('adamw', 'sgd'))
    parser.add_argument('--dinov2-lr', type=float, help='default: 1e-3 (adamw), 1e-2 (sgd)')
    parser.add_argument('--dinov2-multiscale', action='store_true',
                        help='score with the multi-scale + flip test (DINOv2\'s +ms)')
    parser.add_argument('--dinov2-scales', type=float, nargs='+', default=list(d.dinov2_scales))
    parser.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--force', action='store_true', help='redo runs that have a record')
    args = parser.parse_args(argv)
    dtype, root, config, scale = FROZEN_DATASETS[args.dataset]
    args.dataset_type = args.dataset_type or dtype
    args.data_root = osp.abspath(args.data_root or osp.join(PROJECT_ROOT, root))
    if args.config is None and args.checkpoint.lower() not in NO_CHECKPOINT:
        args.config = vit_default_config(args.dataset, osp.abspath(args.checkpoint))
    args.config = args.config or osp.join(PROJECT_ROOT, config)
    args.img_scale = tuple(args.img_scale) if args.img_scale else scale
    if args.svm_ignore_classes is None:
        args.svm_ignore_classes = [0] if args.dataset == 'toy' else []
    if not osp.isfile(args.config):
        parser.error(f'config {args.config!r} does not exist')
    if args.checkpoint.lower() in NO_CHECKPOINT:
        args.checkpoint = None
    else:
        args.checkpoint = osp.abspath(args.checkpoint)
        if not osp.isfile(args.checkpoint):
            parser.error(f'checkpoint {args.checkpoint!r} does not exist')
    if not args.name:
        args.name = default_name(args.checkpoint or 'none')
    return args


def main(argv=None):
    args = parse_args(argv)
    import torch

    from ssl4dp_mm.analysis.collect import progress_bar
    from ssl4dp_mm.analysis.results_table import build_tables, render_markdown
    torch.set_num_threads(max(1, args.threads))
    opts = FrozenOptions(
        knn_k=args.knn_k, knn_temperature=args.knn_temperature, max_bank=args.max_bank or None,
        retrieval_k=args.retrieval_k, kmeans_factors=tuple(args.kmeans_factors),
        kmeans_n_init=args.kmeans_n_init, kmeans_max_fit=args.kmeans_max_fit or None,
        svm_C=args.svm_C, svm_ignore_classes=tuple(args.svm_ignore_classes),
        voc07_root=args.voc07_root, probe_pixels=args.probe_pixels or None,
        probe_weight_decay=args.probe_weight_decay, probe_max_iter=args.probe_max_iter,
        probe_class_weight='balanced' if args.probe_balanced else None,
        hbird_k=args.hbird_k, hbird_temperature=args.hbird_temperature,
        hbird_epochs=args.hbird_epochs,
        hbird_bank_sizes=tuple(args.hbird_bank_sizes) if args.hbird_bank_sizes else None,
        hbird_max_bank=args.hbird_max_bank,
        hbird_crop_size=tuple(args.hbird_crop_size) if args.hbird_crop_size else None,
        hbird_mask_size=tuple(args.hbird_mask_size) if args.hbird_mask_size else None,
        hbird_sampling=args.hbird_sampling, hbird_flip_prob=args.hbird_flip_prob,
        hbird_ignore_as=args.hbird_ignore_as, hbird_search=args.hbird_search,
        dinov2_layers=args.dinov2_layers, dinov2_iters=args.dinov2_iters,
        dinov2_batch_size=args.dinov2_batch_size, dinov2_crop_size=tuple(args.dinov2_crop_size),
        dinov2_optimizer=args.dinov2_optimizer, dinov2_lr=args.dinov2_lr,
        dinov2_multiscale=args.dinov2_multiscale, dinov2_scales=tuple(args.dinov2_scales))
    run = FrozenRun(config=args.config, checkpoint=args.checkpoint, data_root=args.data_root,
                    dataset=args.dataset, dataset_type=args.dataset_type, name=args.name,
                    head=args.head, backbone=args.backbone, work_dir=osp.abspath(args.work_dir),
                    img_scale=args.img_scale,
                    label_scale=tuple(args.label_scale) if args.label_scale else None,
                    max_images=args.max_images, init_seed=args.init_seed)
    records = evaluate_frozen(run, args.layers, args.protocols, args.seeds, opts, args.force,
                              args.device, progress=lambda d: progress_bar(d, 'img'))
    if records:
        print('\n' + render_markdown(build_tables([dict(r, _path=r.get('config', '?'))
                                                   for r in records])))
    return records


if __name__ == '__main__':
    run_tool(main)  # bad input: one line on stderr, exit status 1
