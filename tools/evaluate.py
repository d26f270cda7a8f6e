"""One command per evaluation: convert a checkpoint, train a segmentation protocol, test, record
mIoU.

    python tools/evaluate.py CKPT --head {mocofcn,psp,aspp,dlv3p,nl,psp256}
        --protocol {lp,ft10,ft100} [...]
        --dataset {toy,camvid,voc,cityscapes} [--backbone r18-d8] [--seeds 0 1 2 3 4]
        [--name NAME] [--work-dir work_dirs/eval] [--data-root DIR] [--iters N]
        [--label-fraction 0.1] [--split-seed 0] [--config LEAF.py] [--val-interval N]
        [--cfg-options k=v ...]

CKPT is a pre-training checkpoint (ssl4dp_mm with or without decoder, MMSelfSup, torchvision,
official MoCo/DenseCL) or ``none`` for random initialisation. For each protocol and seed this

1. composes the segmentation config: the leaf ``configs/seg/<head>/<head>_<backbone>_<protocol>-
   <iters>_<dataset>.py`` (composed from the manifest where there is no such file, over the model
   base ``configs/_base_/models/<head>_<backbone>_seg.py``: e.g. ``r18b-d8`` for plain-stem
   checkpoints), data root, iterations, seed, load_from; for FT-10% a seeded label
   split of the full training set; and writes it to ``<run>/config.py``, so
   ``mim test mmseg <run>/config.py --checkpoint ...`` repeats the test;
2. converts CKPT into ``<work-dir>/<name>/<head>_<backbone>_<dataset>/converted.pth``, checked
   against the run's model (refuses a plain-stem checkpoint for a deep-stem backbone and a decoder
   that does not fit the head);
3. trains (``tools/train.py``) and tests (``tools/test.py``) in subprocesses;
4. writes ``<run>/eval_result.json`` (mIoU, mAcc, aAcc and what was run), the record that
   ``tools/analysis/results_table.py`` gathers.

The protocols validate only after training (the test). ``--val-interval N`` adds a validation
every N iterations (and keeps the last one) for a learning curve:
``tools/analysis/plot_curves.py --run LABEL <run> --keys loss mIoU`` reads its points from
``<run>/train/``; the record then has ``val_interval``.

Runs are in ``<work-dir>/<name>/<head>_<backbone>_<dataset>/<protocol>/seed<k>/`` (``config.py``,
``eval_result.json``, ``metrics.json``, logs; the Runner's own folders ``train/`` with the trained
checkpoint and ``test/``); a run whose record exists is skipped unless ``--force``.
Library: ``ssl4dp_mm/evaluation/trained.py``.
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

from ssl4dp_mm.evaluation.records import NO_CHECKPOINT, default_name
from ssl4dp_mm.evaluation.stages import StageFailed
from ssl4dp_mm.evaluation.trained import EvaluationRefused, TrainedEval, evaluate_trained
from ssl4dp_mm.manifest import DATASETS, HEADS, PROTOCOLS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('checkpoint', help="pre-training checkpoint, or 'none' for random init")
    parser.add_argument('--head', required=True, choices=sorted(HEADS))
    parser.add_argument('--protocol', required=True, nargs='+', choices=PROTOCOLS)
    parser.add_argument('--dataset', required=True, choices=sorted(DATASETS))
    parser.add_argument('--backbone', default='r18-d8',
                        help='backbone tag of a model base '
                        'configs/_base_/models/<head>_<tag>_seg.py: r18-d8 (default), r18-d16, '
                        'r18b-d8 (plain stem: torchvision/MoCo/DenseCL), r50-d8, r50b-d8, '
                        'r50b-d16')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0], help='training seeds')
    parser.add_argument('--name', help='row label in the results table (default: from CKPT)')
    parser.add_argument('--work-dir', default='work_dirs/eval')
    parser.add_argument('--data-root', help='override the data_root of every dataset')
    parser.add_argument('--iters', type=int, help='override the protocol length (schedules scale)')
    parser.add_argument('--val-interval', type=int, metavar='N',
                        help='validate every N iterations while training, and at the end (a '
                        'learning curve; checkpoints every N too); default: only the test after '
                        'training, as the protocols are defined')
    parser.add_argument('--label-fraction', type=float, default=0.1, help='FT-x%%: share of labels')
    parser.add_argument('--split-seed', type=int, default=0,
                        help='seed of the label split (fixed across training seeds)')
    parser.add_argument('--config', help='use this leaf config instead of the table lookup')
    parser.add_argument('--split-source',
                        help='FT-x%%: config whose train set is the full labelled set (default: '
                        'the FT-100%% leaf of --head and --dataset)')
    parser.add_argument('--allow-random-decoder', action='store_true',
                        help='allow LP-100%% with a backbone-only checkpoint')
    parser.add_argument('--delete-checkpoints', action='store_true',
                        help='delete each trained checkpoint after its test')
    parser.add_argument('--force', action='store_true', help='redo runs that have a record')
    parser.add_argument('--dry-run', action='store_true',
                        help='convert and write the configs, print the commands, train nothing')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys')
    args = parser.parse_args(argv)
    if args.config and len(args.protocol) != 1:
        parser.error('--config names one leaf: give exactly one --protocol')
    if not 0 < args.label_fraction <= 1:
        parser.error('--label-fraction must be in (0, 1]')
    if args.val_interval is not None and args.val_interval < 1:
        parser.error('--val-interval must be >= 1')
    args.name = args.name or default_name(args.checkpoint)
    args.work_dir = osp.abspath(args.work_dir)
    if args.data_root:
        args.data_root = osp.abspath(args.data_root)
    if args.config:
        args.config = osp.abspath(args.config)
    if args.split_source:
        args.split_source = osp.abspath(args.split_source)
    if args.checkpoint.lower() not in NO_CHECKPOINT:
        args.checkpoint = osp.abspath(args.checkpoint)
        if not osp.isfile(args.checkpoint):
            parser.error(f'checkpoint {args.checkpoint!r} does not exist')
    return args


def main(argv=None):
    args = parse_args(argv)
    from ssl4dp_mm.analysis.results_table import build_tables, render_markdown
    ev = TrainedEval(
        checkpoint=args.checkpoint, head=args.head, dataset=args.dataset, work_dir=args.work_dir,
        backbone=args.backbone, name=args.name, data_root=args.data_root, iters=args.iters,
        label_fraction=args.label_fraction, split_seed=args.split_seed, config=args.config,
        split_source=args.split_source, allow_random_decoder=args.allow_random_decoder,
        delete_checkpoints=args.delete_checkpoints, force=args.force, dry_run=args.dry_run,
        cfg_options=args.cfg_options, val_interval=args.val_interval)
    try:
        records = evaluate_trained(ev, args.protocol, args.seeds)
    except EvaluationRefused as err:
        raise SystemExit(f'error: {err}') from err
    except StageFailed as err:
        raise SystemExit(str(err)) from err
    if records:
        print('\n' + render_markdown(build_tables(
            [dict(r, _path=r['config']) for r in records])))
    return records


if __name__ == '__main__':
    main()
