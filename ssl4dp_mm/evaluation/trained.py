"""The trained protocols (LP-100%, FT-x%, FT-100%) of one checkpoint: convert, train, test, record.

For each protocol and seed, :func:`evaluate_trained`

1. composes the segmentation config (:mod:`.trained_config`) and writes it to
   ``<run>/config.py``, so ``mim test mmseg <run>/config.py --checkpoint ...`` repeats the test;
2. converts the checkpoint into ``<work-dir>/<name>/<head>_<backbone>_<dataset>/converted.pth``,
   checked against the run's model (:func:`ssl4dp_mm.checkpoints.convert.convert_checkpoint`: a
   plain-stem checkpoint for a deep-stem backbone and a decoder that does not fit the head are
   refused);
3. trains (``tools/train.py``) and tests (``tools/test.py``) in subprocesses (:mod:`.stages`);
4. writes ``<run>/eval_result.json`` (:func:`.records.save_record`): mIoU, mAcc, aAcc and what was
   run.

A run is ``<work-dir>/<name>/<head>_<backbone>_<dataset>/<protocol>/seed<k>/`` (``config.py``,
``eval_result.json``, ``metrics.json``, logs; the Runner's own folders ``train/`` with the trained
checkpoint and ``test/``); a run whose record exists is skipped unless ``force``.

With ``val_interval`` the training also validates (and saves a checkpoint) every ``val_interval``
iterations and after the last one: the points of a learning curve, in ``train/``'s scalars
(``tools/analysis/plot_curves.py --run LABEL <run>``); the record then carries ``val_interval``.
Validating draws from the random state (each validation loader is a new iterator), so such a run
is not bit-identical to the one without it.
"""
import datetime
import glob
import json
import os
import os.path as osp
import sys
import time
from dataclasses import dataclass
from typing import List, Optional, Sequence

from ..checkpoints.convert import convert_checkpoint
from .records import (NO_CHECKPOINT, RECORD_FILE, default_name, save_record, slug, trained_column,
                      trained_dir)
from .stages import run_stage
from .trained_config import apply_label_split, compose_config, leaf_config


class EvaluationRefused(ValueError):
    """The checkpoint cannot be evaluated as asked (the message says why and what to pass)."""


@dataclass
class TrainedEval:
    """One checkpoint's trained-protocol evaluation (the options of ``tools/evaluate.py``).

    Attributes:
        checkpoint (str): A pre-training checkpoint, or one of :data:`.records.NO_CHECKPOINT`
            ('none') for random initialisation.
        head (str): A head of the manifest.
        dataset (str): A dataset of the manifest.
        work_dir (str): Where the runs go.
        backbone (str): A variant of ``configs/_base_/models/``. Defaults to 'r18-d8'.
        name (str, optional): The row label. Defaults to None (:func:`.records.default_name`).
        data_root (str, optional): The data root of every dataset. Defaults to None.
        iters (int, optional): The protocol length (schedules scale). Defaults to None.
        label_fraction (float): FT-x%'s share of labels. Defaults to 0.1.
        split_seed (int): The seed of the label split. Defaults to 0.
        config (str, optional): This leaf instead of the manifest's. Defaults to None.
        split_source (str, optional): FT-x%: a config whose train set is the full labelled set.
            Defaults to None (the FT-100% leaf of the head and dataset).
        allow_random_decoder (bool): Allow LP-100% with a backbone-only checkpoint. Defaults to
            False.
        delete_checkpoints (bool): Delete each trained checkpoint after its test. Defaults to
            False.
        force (bool): Redo runs that have a record. Defaults to False.
        dry_run (bool): Convert and write the configs, train nothing. Defaults to False.
        cfg_options (dict, optional): Config keys merged last. Defaults to None.
        val_interval (int, optional): Validate every this many iterations while training, and at
            the end (a learning curve in ``<run>/train/``); the checkpoint interval follows.
            Defaults to None (no validation while training, as the protocols are defined).
    """
    checkpoint: str
    head: str
    dataset: str
    work_dir: str
    backbone: str = 'r18-d8'
    name: Optional[str] = None
    data_root: Optional[str] = None
    iters: Optional[int] = None
    label_fraction: float = 0.1
    split_seed: int = 0
    config: Optional[str] = None
    split_source: Optional[str] = None
    allow_random_decoder: bool = False
    delete_checkpoints: bool = False
    force: bool = False
    dry_run: bool = False
    cfg_options: Optional[dict] = None
    val_interval: Optional[int] = None

    def __post_init__(self):
        self.name = self.name or default_name(self.checkpoint)

    @property
    def random_init(self) -> bool:
        return self.checkpoint.lower() in NO_CHECKPOINT

    @property
    def group_dir(self) -> str:
        """``<work-dir>/<name>/<head>_<backbone>_<dataset>``: the runs and the converted weights."""
        return osp.join(self.work_dir, slug(self.name),
                        f'{self.head}_{self.backbone}_{self.dataset}')

    def compose(self, protocol: str, seed: int, load_from: Optional[str] = None):
        """The run's config (:func:`.trained_config.compose_config`), without the label split."""
        return compose_config(self.head, protocol, self.dataset, seed, load_from,
                              backbone=self.backbone, data_root=self.data_root, iters=self.iters,
                              config=self.config, cfg_options=self.cfg_options,
                              val_interval=self.val_interval)


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint a training run wrote last (mmengine's ``last_checkpoint`` marker).

    Raises:
        FileNotFoundError: The run wrote no marker.
    """
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        raise FileNotFoundError(f'training wrote no checkpoint in {work_dir} (no last_checkpoint)')
    with open(marker) as f:
        return f.read().strip()


def _other_stem(backbone: str) -> str:
    """The variant with the other ResNet stem: r18-d8 <-> r18b-d8."""
    return (backbone.replace('-', 'b-', 1) if 'b-' not in backbone else
            backbone.replace('b-', '-', 1))


def convert_for_run(ev: TrainedEval, cfg_path: str, protocol: str) -> dict:
    """Convert the checkpoint into ``<group>/converted.pth``, checked against the model of
    ``cfg_path``.

    Returns:
        dict: The conversion report (``source``, ``missing``, ``unexpected``, ``num_keys``) with
        ``path`` (the converted file) and ``has_decoder``.

    Raises:
        EvaluationRefused: The weights do not fit the model (a stem mismatch names the variant
            to pass), or LP-100% is asked of a checkpoint without a decoder for the head (unless
            ``allow_random_decoder``).
    """
    dst = osp.join(ev.group_dir, 'converted.pth')
    try:
        report = convert_checkpoint(ev.checkpoint, dst, cfg_path, verbose=False)
    except ValueError as err:
        hint = ''
        if 'stem mismatch' in str(err):
            hint = (f'\nhint: pass --backbone {_other_stem(ev.backbone)} (a variant with the '
                    'checkpoint\'s stem)')
        raise EvaluationRefused(f'{err}{hint}') from err
    has_decoder = not any(k.startswith('decode_head.') and not k.startswith('decode_head.conv_seg')
                          for k in report['missing'])
    if protocol == 'lp' and not has_decoder and not ev.allow_random_decoder:
        raise EvaluationRefused(
            f'LP-100% trains only conv_seg, but {ev.checkpoint} has no decoder for the '
            f'{ev.head} head ({report["source"]} layout, backbone only): the probe would read a '
            'random decoder. Evaluate with ft10/ft100, or pass --allow-random-decoder.')
    report.update(path=dst, has_decoder=has_decoder)
    return report


def run_trained(ev: TrainedEval, protocol: str, seed: int, converted: dict,
                python: str = sys.executable) -> dict:
    """Compose, train, test and record one protocol and seed (see the module docstring).

    Args:
        ev (TrainedEval): The evaluation.
        protocol (str): 'lp', 'ft10' or 'ft100'.
        seed (int): The training seed.
        converted (dict): :func:`convert_for_run`'s report with ``src`` (the checkpoint), or
            ``{}`` for random init.
        python (str): The interpreter of the subprocesses. Defaults to ``sys.executable``.

    Returns:
        dict: The record (read back when it exists and not ``force``); ``{}`` on a dry run.
    """
    seed_dir = osp.join(ev.group_dir, trained_dir(protocol, ev.label_fraction), f'seed{seed}')
    record_path = osp.join(seed_dir, RECORD_FILE)
    if osp.isfile(record_path) and not ev.force:
        print(f'==> {record_path} exists, skipped (--force to redo)')
        with open(record_path) as f:
            record = json.load(f)
        if record.get('val_interval') != ev.val_interval:
            print(f'    note: that run validated every {record.get("val_interval")} iterations '
                  f'(None: only after training), not {ev.val_interval}')
        return record
    os.makedirs(seed_dir, exist_ok=True)
    cfg = ev.compose(protocol, seed, converted.get('path'))
    splits = []
    if protocol == 'ft10':
        source = ev.split_source or leaf_config(ev.head, 'ft100', ev.dataset)
        splits = apply_label_split(cfg, source, ev.label_fraction, ev.split_seed, seed_dir,
                                   ev.data_root)
    cfg_path = osp.join(seed_dir, 'config.py')
    cfg.dump(cfg_path)
    # the Runner dumps its config into its work dir: train/ and test/ keep config.py as composed
    train_dir, test_dir = osp.join(seed_dir, 'train'), osp.join(seed_dir, 'test')
    train_cmd = [python, 'tools/train.py', cfg_path, '--work-dir', train_dir]
    column = trained_column(protocol, ev.label_fraction)
    label = f'{ev.name} | {ev.head} {ev.backbone} {ev.dataset} | {column} | seed {seed}'
    if ev.dry_run:
        print(f'==> {label}\n    $ {" ".join(train_cmd)}\n    config: {cfg_path}')
        return {}
    start = time.time()
    run_stage(f'{label}: train', train_cmd, osp.join(seed_dir, 'train.log'))
    trained = last_checkpoint(train_dir)
    metrics_file = osp.join(seed_dir, 'metrics.json')
    run_stage(f'{label}: test', [python, 'tools/test.py', cfg_path, trained, '--work-dir',
                                 test_dir, '--out-metrics', metrics_file],
              osp.join(seed_dir, 'test.log'))
    with open(metrics_file) as f:
        metrics = json.load(f)
    ft = protocol == 'ft10'
    record = dict(
        name=ev.name, checkpoint=converted.get('src'), head=ev.head, backbone=ev.backbone,
        dataset=ev.dataset, protocol=protocol, column=column,
        label_fraction=ev.label_fraction if ft else 1.0,
        split_seed=ev.split_seed if ft else None, splits=splits, seed=seed,
        iters=cfg.train_cfg.max_iters, mIoU=float(metrics['mIoU']), mAcc=metrics.get('mAcc'),
        aAcc=metrics.get('aAcc'), leaf_config=cfg.leaf_config, config=cfg_path,
        converted=converted.get('path'), source_format=converted.get('source'),
        missing_keys=converted.get('missing', []), trained_checkpoint=trained,
        wall_s=round(time.time() - start, 1), created=datetime.datetime.now().isoformat())
    if ev.val_interval is not None:  # the learning curve's points are in train/'s scalars
        record['val_interval'] = ev.val_interval
    if ev.delete_checkpoints:
        os.remove(trained)
        if ev.val_interval is not None:  # and those saved at the validations before the last
            for path in glob.glob(osp.join(train_dir, 'iter_*.pth')):
                os.remove(path)
        record['trained_checkpoint'] = None
    save_record(record_path, record)
    print(f'    mIoU {record["mIoU"]:.2f}  -> {record_path}', flush=True)
    return record


def evaluate_trained(ev: TrainedEval, protocols: Sequence[str], seeds: Sequence[int],
                     python: str = sys.executable) -> List[dict]:
    """Every protocol and seed of one checkpoint: convert once per protocol (checked against
    the protocol's model), then :func:`run_trained` per seed.

    Returns:
        list[dict]: The records, in protocol-then-seed order (none on a dry run).

    Raises:
        EvaluationRefused: See :func:`convert_for_run`.
        StageFailed: A training or test process failed (:func:`.stages.run_stage`).
    """
    os.makedirs(ev.group_dir, exist_ok=True)
    records = []
    for protocol in protocols:
        converted = {}
        if not ev.random_init:
            probe = ev.compose(protocol, 0)
            probe_path = osp.join(ev.group_dir, f'convert_check_{protocol}.py')
            probe.dump(probe_path)
            converted = convert_for_run(ev, probe_path, protocol)
            converted['src'] = ev.checkpoint
            print(f'==> converted {ev.checkpoint} ({converted["source"]} layout) -> '
                  f'{converted["path"]}; newly initialised: {converted["missing"] or "none"}')
        for seed in seeds:
            rec = run_trained(ev, protocol, seed, converted, python)
            if rec:
                records.append(rec)
    return records
