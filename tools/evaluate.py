"""One command per evaluation: convert a checkpoint, train a segmentation protocol, test, record
mIoU.

    python tools/evaluate.py CKPT --head {mocofcn,psp,aspp,dlv3p,nl,psp256}
        --protocol {lp,ft10,ft100} [...]
        --dataset {toy,camvid,voc,cityscapes} [--backbone r18-d8] [--seeds 0 1 2 3 4]
        [--name NAME] [--work-dir work_dirs/eval] [--data-root DIR] [--iters N]
        [--label-fraction 0.1] [--split-seed 0] [--config LEAF.py] [--cfg-options k=v ...]

CKPT is a pre-training checkpoint (ssl4dp_mm with or without decoder, MMSelfSup, torchvision,
official MoCo/DenseCL) or ``none`` for random initialisation. For each protocol and seed this

1. composes the segmentation config: the leaf ``configs/seg/<head>/<head>_r18-d8_<protocol>-<iters>_
   <dataset>.py``, the backbone variant of ``configs/_base_/models/<backbone>.py`` (e.g. ``r18b-d8``
   for plain-stem checkpoints), data root, iterations, seed, load_from; for FT-10% a seeded label
   split of the full training set (``tools/make_label_split.py``); and writes it to
   ``<run>/config.py``, so ``mim test mmseg <run>/config.py --checkpoint ...`` repeats the test;
2. converts CKPT into ``<work-dir>/<name>/<head>_<backbone>_<dataset>/converted.pth``, checked
   against the run's model (``tools/convert_checkpoint.py``: refuses a plain-stem checkpoint for a
   deep-stem backbone and a decoder that does not fit the head);
3. trains (``tools/train.py``) and tests (``tools/test.py``) in subprocesses;
4. writes ``<run>/eval_result.json`` (mIoU, mAcc, aAcc and what was run), the record that
   ``tools/analysis/results_table.py`` gathers.

Runs are in ``<work-dir>/<name>/<head>_<backbone>_<dataset>/<protocol>/seed<k>/`` (``config.py``,
``eval_result.json``, ``metrics.json``, logs; the Runner's own folders ``train/`` with the trained
checkpoint and ``test/``); a run whose record exists is skipped unless ``--force``.
"""
import argparse
import datetime
import importlib.util
import json
import os
import os.path as osp
import re
import sys
import time

from mmengine.config import Config, DictAction

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# --head -> config folder
HEADS = {'mocofcn': 'mocofcn', 'psp': 'pspnet', 'aspp': 'deeplabv3', 'dlv3p': 'deeplabv3plus',
         'nl': 'nonlocal', 'psp256': 'pspnet256'}
DECODER_VARS = {head: f'{head}_decoder' for head in HEADS}  # the decoder dict of r18-d8.py & co.
# --dataset -> (config suffix, iteration tag of each protocol's leaf config)
DATASETS = {
    'toy': ('toyscenes', dict(ft10='300i', lp='300i', ft100='300i')),
    'camvid': ('camvid', dict(ft10='2k', lp='1k', ft100='10k')),
    'voc': ('voc12aug', dict(ft10='5k', lp='3k', ft100='30k')),
    'cityscapes': ('cityscapes', dict(ft10='15k', lp='9k', ft100='90k')),
}
PROTOCOLS = ('ft10', 'lp', 'ft100')
NO_CHECKPOINT = ('none', 'random', 'random-init')


def load_tool(name: str):
    """Import ``tools/<name>.py`` (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f'ssl4dp_tools_{name}',
                                                  osp.join(ROOT, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def leaf_config(head: str, protocol: str, dataset: str) -> str:
    """The r18-d8 leaf config of a head, protocol and dataset."""
    folder = HEADS[head]
    suffix, iters = DATASETS[dataset]
    path = osp.join(ROOT, 'configs', 'seg', folder,
                    f'{folder}_r18-d8_{protocol}-{iters[protocol]}_{suffix}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(f'no config for head {head}, protocol {protocol}, dataset {dataset}: '
                                f'looked for {path}')
    return path


def available_backbones() -> list:
    folder = osp.join(ROOT, 'configs', '_base_', 'models')
    return sorted(f[:-3] for f in os.listdir(folder) if re.fullmatch(r'r\d+b?-d\d+\.py', f))


def apply_backbone(cfg: Config, head: str, backbone: str) -> None:
    """Swap in a backbone variant: ``backbone`` and the head's decoder from
    ``configs/_base_/models/<backbone>.py``, exactly what the ``<head>_<backbone>_seg.py`` model
    bases inherit (num_classes and the loss stay the leaf's)."""
    path = osp.join(ROOT, 'configs', '_base_', 'models', f'{backbone}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(f'backbone variant {backbone!r} not found ({path}); available: '
                                f'{available_backbones()}')
    variant = Config.fromfile(path)
    cfg.model.backbone = variant.backbone
    for key, value in variant[DECODER_VARS[head]].items():
        cfg.model.decode_head[key] = value


def dataset_parts(dataset: dict) -> list:
    return list(dataset['datasets']) if 'datasets' in dataset else [dataset]


def set_iters(cfg: Config, iters: int) -> None:
    """Shorten or lengthen a protocol: iterations, checkpoint interval, and every scheduler's
    ``begin``/``end``/``T_max`` in proportion."""
    old = cfg.train_cfg.max_iters
    cfg.train_cfg.max_iters = iters
    cfg.default_hooks.checkpoint.interval = iters
    for sched in cfg.get('param_scheduler') or []:
        for key in ('begin', 'end', 'T_max'):
            if key in sched:
                sched[key] = int(round(sched[key] * iters / old))


def compose_config(args, head: str, protocol: str, seed: int, load_from: str = None) -> Config:
    """The config of one run (see the module docstring, step 1), without the label split."""
    leaf = args.config or leaf_config(head, protocol, args.dataset)
    cfg = Config.fromfile(leaf)
    if args.backbone != 'r18-d8':
        apply_backbone(cfg, head, args.backbone)
    if args.data_root:
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(loader) is not None:
                for part in dataset_parts(cfg[loader].dataset):
                    part.data_root = args.data_root
    if args.iters:
        set_iters(cfg, args.iters)
    cfg.randomness = dict(seed=seed)
    cfg.load_from = load_from
    # the run is tested once, after training, by tools/test.py on the test split (= val for
    # these datasets): no validation pass inside training
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.train_cfg.pop('val_interval', None)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.leaf_config = leaf  # for the record; mmengine ignores unknown top-level keys
    return cfg


def apply_label_split(cfg: Config, args, seed_dir: str) -> list:
    """FT-x%: write the seeded split of the full training set into ``<run>/splits`` and point the
    run's training set (each part of a ConcatDataset) at it."""
    from ssl4dp_mm.datasets.label_split import make_label_split
    source = args.split_source or leaf_config(args.head, 'ft100', args.dataset)
    full = Config.fromfile(source)
    if args.data_root:
        for loader in ('train_dataloader', 'val_dataloader'):
            for part in dataset_parts(full[loader].dataset):
                part.data_root = args.data_root
    results = make_label_split(full.train_dataloader.dataset, args.label_fraction, args.split_seed,
                               full.val_dataloader.dataset, osp.join(seed_dir, 'splits'))
    parts = dataset_parts(cfg.train_dataloader.dataset)
    if len(parts) != len(results):
        raise ValueError(f'the FT-x% train set of the run has {len(parts)} parts, the full one in '
                         f'{source} has {len(results)}')
    for part, res in zip(parts, results):
        part.ann_file = osp.abspath(res['path'])
    return [dict(path=osp.abspath(r['path']), num=len(r['names']), total=r['num_total'])
            for r in results]


def column_name(protocol: str, fraction: float) -> str:
    if protocol == 'lp':
        return 'LP-100%'
    return 'FT-100%' if protocol == 'ft100' else f'FT-{fraction * 100:g}%'


def protocol_dir(protocol: str, fraction: float) -> str:
    return f'ft{fraction * 100:g}' if protocol == 'ft10' else protocol


def default_name(ckpt: str) -> str:
    """Row label: 'random init', or the pre-training work dir of ``work_dirs/<name>/iter_N.pth``."""
    if ckpt.lower() in NO_CHECKPOINT:
        return 'random init'
    stem = osp.splitext(osp.basename(ckpt))[0]
    if re.fullmatch(r'(iter|epoch)_\d+|latest|last|checkpoint', stem):
        return osp.basename(osp.dirname(osp.abspath(ckpt))) or stem
    return stem


def slug(name: str) -> str:
    return re.sub(r'[^A-Za-z0-9_.+-]+', '_', name).strip('_') or 'unnamed'


def last_checkpoint(work_dir: str) -> str:
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        raise FileNotFoundError(f'training wrote no checkpoint in {work_dir} (no last_checkpoint)')
    with open(marker) as f:
        return f.read().strip()


def convert_once(args, cfg_path: str, group_dir: str, protocol: str) -> dict:
    """Convert CKPT into ``<group>/converted.pth``, checked against the model of ``cfg_path``
    (refusing weights that do not fit); LP needs a pre-trained decoder."""
    dst = osp.join(group_dir, 'converted.pth')
    convert = load_tool('convert_checkpoint').convert
    try:
        report = convert(args.checkpoint, dst, cfg_path, verbose=False)
    except ValueError as err:
        hint = ''
        if 'stem mismatch' in str(err):
            other = (args.backbone.replace('-', 'b-', 1) if 'b-' not in args.backbone else
                     args.backbone.replace('b-', '-', 1))
            hint = f'\nhint: pass --backbone {other} (a variant with the checkpoint\'s stem)'
        raise SystemExit(f'error: {err}{hint}') from err
    has_decoder = not any(k.startswith('decode_head.') and not k.startswith('decode_head.conv_seg')
                          for k in report['missing'])
    if protocol == 'lp' and not has_decoder and not args.allow_random_decoder:
        raise SystemExit(
            f'error: LP-100% trains only conv_seg, but {args.checkpoint} has no decoder for the '
            f'{args.head} head ({report["source"]} layout, backbone only): the probe would read a '
            'random decoder. Evaluate with ft10/ft100, or pass --allow-random-decoder.')
    report.update(path=dst, has_decoder=has_decoder)
    return report


def run_one(args, protocol: str, seed: int, group_dir: str, converted: dict, py: str) -> dict:
    run_stage = load_tool('run_pipeline').run_stage
    seed_dir = osp.join(group_dir, protocol_dir(protocol, args.label_fraction), f'seed{seed}')
    record_path = osp.join(seed_dir, 'eval_result.json')
    if osp.isfile(record_path) and not args.force:
        print(f'==> {record_path} exists, skipped (--force to redo)')
        with open(record_path) as f:
            return json.load(f)
    os.makedirs(seed_dir, exist_ok=True)
    cfg = compose_config(args, args.head, protocol, seed, converted.get('path'))
    splits = apply_label_split(cfg, args, seed_dir) if protocol == 'ft10' else []
    cfg_path = osp.join(seed_dir, 'config.py')
    cfg.dump(cfg_path)
    # the Runner dumps its config into its work dir: train/ and test/ keep config.py as composed
    train_dir, test_dir = osp.join(seed_dir, 'train'), osp.join(seed_dir, 'test')
    train_cmd = [py, 'tools/train.py', cfg_path, '--work-dir', train_dir]
    label = f'{args.name} | {args.head} {args.backbone} {args.dataset} | ' \
            f'{column_name(protocol, args.label_fraction)} | seed {seed}'
    if args.dry_run:
        print(f'==> {label}\n    $ {" ".join(train_cmd)}\n    config: {cfg_path}')
        return {}
    start = time.time()
    run_stage(f'{label}: train', train_cmd, osp.join(seed_dir, 'train.log'))
    trained = last_checkpoint(train_dir)
    metrics_file = osp.join(seed_dir, 'metrics.json')
    run_stage(f'{label}: test', [py, 'tools/test.py', cfg_path, trained, '--work-dir', test_dir,
                                 '--out-metrics', metrics_file], osp.join(seed_dir, 'test.log'))
    with open(metrics_file) as f:
        metrics = json.load(f)
    record = dict(
        name=args.name, checkpoint=converted.get('src'), head=args.head, backbone=args.backbone,
        dataset=args.dataset, protocol=protocol, column=column_name(protocol, args.label_fraction),
        label_fraction=args.label_fraction if protocol == 'ft10' else 1.0,
        split_seed=args.split_seed if protocol == 'ft10' else None, splits=splits, seed=seed,
        iters=cfg.train_cfg.max_iters, mIoU=float(metrics['mIoU']), mAcc=metrics.get('mAcc'),
        aAcc=metrics.get('aAcc'), leaf_config=cfg.leaf_config, config=cfg_path,
        converted=converted.get('path'), source_format=converted.get('source'),
        missing_keys=converted.get('missing', []), trained_checkpoint=trained,
        wall_s=round(time.time() - start, 1), created=datetime.datetime.now().isoformat())
    if args.delete_checkpoints:
        os.remove(trained)
        record['trained_checkpoint'] = None
    with open(record_path, 'w') as f:
        json.dump(record, f, indent=2)
    print(f'    mIoU {record["mIoU"]:.2f}  -> {record_path}', flush=True)
    return record


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('checkpoint', help="pre-training checkpoint, or 'none' for random init")
    parser.add_argument('--head', required=True, choices=sorted(HEADS))
    parser.add_argument('--protocol', required=True, nargs='+', choices=PROTOCOLS)
    parser.add_argument('--dataset', required=True, choices=sorted(DATASETS))
    parser.add_argument('--backbone', default='r18-d8',
                        help='variant in configs/_base_/models/: r18-d8 (default), r18-d16, '
                        'r18b-d8 (plain stem: torchvision/MoCo/DenseCL), r50-d8, r50b-d8, ...')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0], help='training seeds')
    parser.add_argument('--name', help='row label in the results table (default: from CKPT)')
    parser.add_argument('--work-dir', default='work_dirs/eval')
    parser.add_argument('--data-root', help='override the data_root of every dataset')
    parser.add_argument('--iters', type=int, help='override the protocol length (schedules scale)')
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
    import ssl4dp_mm  # noqa: F401  (shims and registries)
    from ssl4dp_mm.analysis.results_table import build_tables, render_markdown
    py = sys.executable
    group_dir = osp.join(args.work_dir, slug(args.name),
                         f'{args.head}_{args.backbone}_{args.dataset}')
    os.makedirs(group_dir, exist_ok=True)
    records = []
    for protocol in args.protocol:
        converted = {}
        if args.checkpoint.lower() not in NO_CHECKPOINT:
            probe = compose_config(args, args.head, protocol, 0)
            probe_path = osp.join(group_dir, f'convert_check_{protocol}.py')
            probe.dump(probe_path)
            converted = convert_once(args, probe_path, group_dir, protocol)
            converted['src'] = args.checkpoint
            print(f'==> converted {args.checkpoint} ({converted["source"]} layout) -> '
                  f'{converted["path"]}; newly initialised: {converted["missing"] or "none"}')
        for seed in args.seeds:
            rec = run_one(args, protocol, seed, group_dir, converted, py)
            if rec:
                records.append(rec)
    if records:
        print('\n' + render_markdown(build_tables(
            [dict(r, _path=r['config']) for r in records])))
    return records


if __name__ == '__main__':
    main()
