"""The dense-evaluation suite: every frozen protocol on every dataset of a suite, for one
checkpoint, in one resumable run that ends with one table (``tools/evaluate_dense.py``).

The datasets are data (:data:`SUITE_DATASETS`): registered MMSeg dataset (classes), on-disk
layout, splits, the model config that builds the feature model, and the sizes that move the
numbers (image and label scale). Datasets in their own layouts (VOC aug, Cityscapes, ADE20K,
COCO-Stuff-27) are read through an MMSeg-layout view written once under the work dir
(:func:`ssl4dp_mm.datasets.mmseg_layout_views.mmseg_view`).

Each protocol runs through :mod:`.run` (``run_protocol`` and the model protocols) and writes the
same atomic record as ``tools/evaluate_frozen.py`` (:func:`.records.write_record`), with its
wall-clock seconds (``wall_s``, feature extraction excluded and timed apart); a protocol whose
record exists is skipped. K-means runs at K = #classes (Hungarian matching) and over-clusters at
fixed K (:data:`OVER_KS`, majority matching) where the val split has more cells than K. The table
(:func:`suite_table`) gives mean ± std over seeds per dataset and protocol, the cost and settings.
"""
import json
import os
import os.path as osp
import time
from dataclasses import asdict, dataclass, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..paths import PROJECT_ROOT
from ..utils.atomic_files import write_atomic, write_json_atomic
from .clustering import kmeans_segmentation
from .dense_features import resolve_layer
from .linear_dinov2 import probe_layers, probe_variant, variant_options
from .records import column_name, record_path, slug, write_record
from .run import (MODEL_PROTOCOLS, PROTOCOLS, SEEDLESS, FrozenOptions, FrozenRun, _model_protocol,
                  run_protocol)

SUITE_PROTOCOLS = ('knn', 'kmeans', 'lp-convex', 'retrieval', 'hummingbird', 'lp-dinov2')
OVER_KS = (100, 300, 500)
_R18_CAMVID = 'configs/seg/mocofcn/mocofcn_r18-d8_lp-100i_camvid-half.py'
RANDOM_ARCHS = ('r18', )  # random:<arch>: the suite's default (ResNet-18) model, random init


@dataclass(frozen=True)
class SuiteDataset:
    """One dataset of the suite.

    Attributes:
        dataset_type (str): Registered MMSeg dataset (classes, file suffixes).
        layout (str): 'mmseg' (``img_dir``/``ann_dir``) or a view layout ('voc', ...).
        splits (tuple[str, str]): (train, val) as the layout names them.
        data_root (str, optional): Default root (relative to the repository). Defaults to None
            (``--data-root NAME=PATH`` is required).
        config (str): Model config of the feature model. Defaults to the ResNet-18 MoCoFCN one.
        img_scale (tuple[int, int], optional): (h, w) the model sees. Defaults to None.
        label_scale (tuple[int, int], optional): (h, w) labels are scored at. Defaults to None.
        label_suffix (str): Label name suffix in the view. Defaults to '.png'.
    """
    dataset_type: str
    layout: str
    splits: Tuple[str, str]
    data_root: Optional[str] = None
    config: str = _R18_CAMVID
    img_scale: Optional[Tuple[int, int]] = None
    label_scale: Optional[Tuple[int, int]] = None
    label_suffix: str = '.png'


SUITE_DATASETS: Dict[str, SuiteDataset] = {
    'toy': SuiteDataset('ToyScenesDataset', 'mmseg', ('train', 'val'), 'data/toy_scenes',
                        'configs/seg/mocofcn/mocofcn_r18-d8_lp-300i_toyscenes.py'),
    'camvid': SuiteDataset('CamVidDataset', 'mmseg', ('train', 'val'),
                           '../shared/datasets/camvid', img_scale=(180, 240)),
    # VOC aug: train on the 10,582 train_aug images, score the 1,449 val at 448x448
    'voc': SuiteDataset('CheckedPascalVOCDataset', 'voc', ('train_aug', 'val'),
                        img_scale=(448, 448), label_scale=(448, 448)),
    'ade20k': SuiteDataset('ADE20KDataset', 'ade20k', ('training', 'validation'),
                           img_scale=(448, 448), label_scale=(448, 448)),
    'cityscapes': SuiteDataset('CheckedCityscapesDataset', 'cityscapes', ('train', 'val'),
                               img_scale=(512, 1024), label_scale=(512, 1024),
                               label_suffix='_gtFine_labelTrainIds.png'),
    # STEGO's cocostuff27: curated lists, 320x320 as its evaluation
    'cocostuff27': SuiteDataset('CocoStuff27Dataset', 'cocostuff27', ('train2017', 'val2017'),
                                img_scale=(320, 320), label_scale=(320, 320)),
}


@dataclass
class SuiteJob:
    """One record to make: a protocol (K-means at ``k`` clusters, the DINOv2 probe in one of
    its variants) with one seed."""
    protocol: str
    seed: int
    path: str
    k: Optional[int] = None  # fixed K of over-clustering (None: K = #classes)
    opts: Optional[FrozenOptions] = None  # the job's settings where they are not the suite's


def dinov2_variants(opts: FrozenOptions) -> List[str]:
    """The DINOv2 probe's variants the suite runs: ``opts.dinov2_variants``, else the one of
    ``dinov2_layers`` / ``dinov2_multiscale``."""
    return list(opts.dinov2_variants
                or [probe_variant(opts.dinov2_layers, opts.dinov2_multiscale)])


def variant_opts(opts: FrozenOptions, variant: str) -> FrozenOptions:
    """``opts`` with the layers and the multi-scale test of a DINOv2 probe variant."""
    layers, multiscale = variant_options(variant)
    return replace(opts, dinov2_layers=layers, dinov2_multiscale=multiscale)


def random_init(checkpoint: str) -> bool:
    """Whether ``checkpoint`` names a random init ('none', 'random', 'random:r18').

    Raises:
        ValueError: If ``random:<arch>`` names an architecture the suite does not build.
    """
    low = checkpoint.lower()
    if low.startswith('random:'):
        if low.split(':', 1)[1] not in RANDOM_ARCHS:
            raise ValueError(f'{checkpoint!r}: random init knows {RANDOM_ARCHS} (or pass '
                             '--config with a checkpoint of none)')
        return True
    return low in ('none', 'random', 'random-init')


def prepare_run(dataset: str, checkpoint: Optional[str], name: str, work_dir: str,
                data_root: Optional[str] = None, config: Optional[str] = None,
                img_scale: Optional[Tuple[int, int]] = None,
                label_scale: Optional[Tuple[int, int]] = None,
                max_images: Optional[int] = None, init_seed: int = 0) -> FrozenRun:
    """The :class:`FrozenRun` of one suite dataset (writes its MMSeg-layout view if needed).

    Raises:
        KeyError: If ``dataset`` is not in :data:`SUITE_DATASETS`.
        FileNotFoundError: If the dataset has no root, or a file of it is missing.
    """
    if dataset not in SUITE_DATASETS:
        raise KeyError(f'unknown suite dataset {dataset!r}; known: {sorted(SUITE_DATASETS)}')
    spec = SUITE_DATASETS[dataset]
    root = data_root or (osp.join(PROJECT_ROOT, spec.data_root) if spec.data_root else None)
    if root is None:
        raise FileNotFoundError(f'dataset {dataset!r} has no default root: pass --data-root '
                                f'{dataset}=PATH')
    if not osp.isdir(root):
        raise FileNotFoundError(f'data root of {dataset!r} {root!r} does not exist')
    if spec.layout != 'mmseg':
        from ..datasets.mmseg_layout_views import mmseg_view
        view = osp.join(work_dir, '_views', dataset)
        for src, dst in zip(spec.splits, ('train', 'val')):
            mmseg_view(spec.layout, root, src, view, dst, max_images, spec.label_suffix)
        root, splits = view, ('train', 'val')
    else:
        splits = spec.splits
    return FrozenRun(config=config or osp.join(PROJECT_ROOT, spec.config), checkpoint=checkpoint,
                     data_root=osp.abspath(root), dataset=dataset,
                     dataset_type=spec.dataset_type, name=name, work_dir=work_dir,
                     img_scale=img_scale or spec.img_scale,
                     label_scale=label_scale or spec.label_scale, train_split=splits[0],
                     val_split=splits[1], max_images=max_images, init_seed=init_seed)


def suite_jobs(run: FrozenRun, layer: str, protocols: Sequence[str], seeds: Sequence[int],
               opts: FrozenOptions, over_ks: Sequence[int] = OVER_KS) -> List[SuiteJob]:
    """Every record of one dataset and layer (retrieval: the first seed only; the DINOv2 probe:
    each of :func:`dinov2_variants`)."""
    jobs = []
    for protocol in protocols:
        if protocol == 'kmeans':
            settings = [(f'K{k}' if k else None, k, None) for k in [None] + list(over_ks)]
        elif protocol == 'lp-dinov2':
            settings = [(v, None, variant_opts(opts, v)) for v in dinov2_variants(opts)]
        else:
            settings = [(None, None, None)]
        for variant, k, job_opts in settings:
            for seed in (seeds[:1] if protocol in SEEDLESS else seeds):
                over = 1 if protocol == 'kmeans' else None
                path = record_path(run.work_dir, run.name, run.head, run.backbone, run.dataset,
                                   protocol, layer, seed, over, variant)
                jobs.append(SuiteJob(protocol, seed, path, k, job_opts))
    return jobs


def _done(job: SuiteJob) -> bool:
    return osp.isfile(job.path) or osp.isfile(_skip_path(job))


def _skip_path(job: SuiteJob) -> str:
    return osp.join(osp.dirname(job.path), 'not_run.json')


def run_dataset(run: FrozenRun, layers: Sequence[str], protocols: Sequence[str],
                seeds: Sequence[int], opts: FrozenOptions, over_ks: Sequence[int] = OVER_KS,
                force: bool = False, device: str = 'cpu',
                log: Callable[[str], None] = print,
                not_run: Optional[List[dict]] = None) -> List[dict]:
    """Run the protocols of one dataset; the model is built only if a record is missing.

    Args:
        not_run (list, optional): Gets ``dataset, column, reason`` of each over-clustering K
            the data does not allow. Defaults to None.

    Returns:
        list[dict]: The records (read back for skipped ones).
    """
    not_run = [] if not_run is None else not_run
    from ..features.feature_model import build_feature_model
    from ..features.labelled_images import find_labelled_images
    from .dense_features import extract_dense_features
    layers = [resolve_layer(layer) for layer in layers]
    jobs = {layer: suite_jobs(run, layer, protocols, seeds, opts, over_ks) for layer in layers}
    todo = [j for js in jobs.values() for j in js if force or not _done(j)]
    model = probe_reads = None
    if todo:
        model = build_feature_model(run.config, run.checkpoint, run.init_seed).to(device)
        for layer in layers:
            resolve_layer(layer, model)
        # the layers modes of the DINOv2 probes still to run (their extra stages are extracted)
        modes = {j.opts.dinov2_layers for j in todo if j.protocol == 'lp-dinov2'}
        probe_reads = {(layer, mode): probe_layers(layer, model.layer_names, mode)
                       for layer in layers for mode in sorted(modes)}
    extract = list(dict.fromkeys(layers + [n for names in (probe_reads or {}).values()
                                           for n in names]))
    extracted, feature_s = {}, {}

    def split(layer: str, name: str):
        if name not in extracted:
            start = time.perf_counter()
            images = find_labelled_images(run.data_root, name, run.dataset_type,
                                          resize=run.label_scale, max_images=run.max_images)
            extracted[name] = extract_dense_features(model, images, extract, run.img_scale)
            feature_s[name] = round(time.perf_counter() - start, 3)
        return extracted[name][layer]

    base = dict(name=run.name, checkpoint=run.checkpoint, config=run.config, head=run.head,
                backbone=run.backbone, dataset=run.dataset, data_root=run.data_root,
                img_scale=run.img_scale, label_scale=run.label_scale,
                max_images=run.max_images, suite=True)
    if run.checkpoint is None:
        base['init_seed'] = run.init_seed
    records = []
    for layer in layers:
        for job in jobs[layer]:
            job_opts = job.opts or opts
            if _done(job) and not force:
                if osp.isfile(job.path):
                    log(f'==> {job.path} exists, skipped')
                    with open(job.path) as f:
                        rec = json.load(f)
                    _check_recorded_settings(job.path, rec, protocol_settings(
                        job.protocol, job_opts, run))
                    records.append(rec)
                else:
                    with open(_skip_path(job)) as f:
                        _add_not_run(not_run, run, layer, job, json.load(f)['reason'])
                continue
            # the splits the protocol reads are extracted first: wall_s is the protocol's own
            split(layer, run.val_split)
            reads = (probe_reads[(layer, job_opts.dinov2_layers)] if job.protocol == 'lp-dinov2'
                     else [layer])
            if job.protocol not in ('kmeans', 'hummingbird'):
                for n in reads:
                    split(n, run.train_split)
            val = split(layer, run.val_split)
            if job.k is not None:
                cells = sum(f.shape[1] * f.shape[2] for f in val.feats)
                if not val.num_classes < job.k < cells:
                    reason = (f'K={job.k} must exceed the {val.num_classes} classes and stay '
                              f'below the {cells} val cells')
                    write_json_atomic(_skip_path(job), dict(reason=reason))
                    log(f'    K-means K={job.k} not run: {reason}')
                    _add_not_run(not_run, run, layer, job, reason)
                    continue
            start = time.perf_counter()
            if job.protocol in MODEL_PROTOCOLS:
                res = _model_protocol(job.protocol, run, model, layer, {layer: reads}, split,
                                      job.seed, job_opts, device, None)
            elif job.k is not None:
                res = dict(kmeans_segmentation(val, job.k, job.seed, opts.kmeans_n_init,
                                               opts.kmeans_max_fit), variant=f'K{job.k}')
            else:
                train = split(layer, run.train_split) if job.protocol != 'kmeans' else None
                res = run_protocol(job.protocol, train, val, job.seed, opts)
            res = dict(res, wall_s=round(time.perf_counter() - start, 3),
                       settings=protocol_settings(job.protocol, job_opts, run))
            rec = write_record(job.path, res, **base, protocol=job.protocol, layer=layer,
                               seed=job.seed, train_split=run.train_split,
                               val_split=run.val_split)
            log(f'    {run.dataset} {rec["column"]} seed {job.seed}: {rec["metric"]} '
                f'{rec[rec["metric"]]:.2f} ({rec["wall_s"]:.1f} s)')
            records.append(json.loads(json.dumps(rec)))  # as read back on resume (lists)
    if feature_s:
        _merge_json(osp.join(osp.dirname(osp.dirname(osp.dirname(jobs[layers[0]][0].path))),
                             'feature_time.json'), feature_s)
    return records


def _check_recorded_settings(path: str, record: dict, wanted: dict) -> None:
    """A record is reused only if it was made with the settings asked for now.

    Raises:
        ValueError: naming the record and each setting that differs.
    """
    wanted = json.loads(json.dumps(wanted))  # tuples as lists, as the record holds them
    recorded = record.get('settings') or {}
    differ = {k: (recorded.get(k), v) for k, v in wanted.items() if recorded.get(k) != v}
    if differ:
        text = ', '.join(f'{k}={a!r} (asked: {b!r})' for k, (a, b) in differ.items())
        raise ValueError(f'{path} was recorded with {text}: rerun with --force to redo it, or '
                         'use another --work-dir')


def _add_not_run(not_run: List[dict], run: FrozenRun, layer: str, job: SuiteJob,
                 reason: str) -> None:
    entry = dict(dataset=run.dataset, column=column_name('kmeans', layer, None, f'K{job.k}'),
                 reason=reason)
    if entry not in not_run:
        not_run.append(entry)


def _merge_json(path: str, values: dict) -> None:
    old = {}
    if osp.isfile(path):
        with open(path) as f:
            old = json.load(f)
    write_json_atomic(path, dict(old, **values))


def protocol_settings(protocol: str, opts: FrozenOptions, run: FrozenRun) -> dict:
    """The settings that move a protocol's numbers (besides the layer and the two scales)."""
    o = asdict(opts)
    keys = {
        'knn': ('knn_k', 'knn_temperature', 'max_bank'),
        'kmeans': ('kmeans_n_init', 'kmeans_max_fit'),
        'lp-convex': ('probe_pixels', 'probe_weight_decay', 'probe_class_weight'),
        'retrieval': ('retrieval_k', ),
        'hummingbird': ('hbird_k', 'hbird_temperature', 'hbird_epochs', 'hbird_sampling',
                        'hbird_mask_size', 'hbird_flip_prob'),
        'lp-dinov2': ('dinov2_layers', 'dinov2_iters', 'dinov2_batch_size', 'dinov2_crop_size',
                      'dinov2_optimizer', 'dinov2_lr', 'dinov2_multiscale'),
    }.get(protocol, ())
    out = {k: o[k] for k in keys}
    if protocol == 'hummingbird':
        out['hbird_crop_size'] = opts.hbird_crop_size or run.img_scale
    return out


def run_suite(checkpoint: str, datasets: Sequence[str], work_dir: str,
              name: Optional[str] = None, data_roots: Optional[Dict[str, str]] = None,
              protocols: Sequence[str] = SUITE_PROTOCOLS, seeds: Sequence[int] = (0, ),
              layers: Sequence[str] = ('decoder', ), opts: Optional[FrozenOptions] = None,
              over_ks: Sequence[int] = OVER_KS, config: Optional[str] = None,
              img_scale: Optional[Tuple[int, int]] = None,
              label_scale: Optional[Tuple[int, int]] = None, max_images: Optional[int] = None,
              device: str = 'cpu', force: bool = False,
              log: Callable[[str], None] = print) -> dict:
    """Every protocol on every dataset for one checkpoint; writes the table.

    Args:
        checkpoint (str): Any checkpoint ``tools/evaluate_frozen.py`` reads, or a random init
            ('none', 'random', 'random:r18').
        datasets (Sequence[str]): Names of :data:`SUITE_DATASETS`.
        work_dir (str): Root of the records, views and the table.
        name (str, optional): Row label. Defaults to None (the checkpoint's file stem, or
            'random-init').
        data_roots (dict, optional): Dataset name -> root (overrides the defaults).
            Defaults to None.
        protocols (Sequence[str]): Defaults to :data:`SUITE_PROTOCOLS`.
        seeds (Sequence[int]): Seeds of the stochastic protocols. Defaults to (0, ).
        layers (Sequence[str]): Maps read. Defaults to ('decoder', ).
        opts (FrozenOptions, optional): Protocol settings. Defaults to None (the defaults).
        over_ks (Sequence[int]): Over-clustering K. Defaults to :data:`OVER_KS`.
        config (str, optional): Model config for every dataset. Defaults to None (per dataset).
        img_scale (tuple, optional): Overrides every dataset's. Defaults to None.
        label_scale (tuple, optional): Overrides every dataset's. Defaults to None.
        max_images (int, optional): First images of each split only. Defaults to None.
        device (str): Defaults to 'cpu'.
        force (bool): Redo recorded protocols. Defaults to False.
        log (callable): Defaults to print.

    Returns:
        dict: ``records``, ``table`` (the JSON rows), ``markdown``, ``paths`` of the table.
    """
    opts = opts or FrozenOptions()
    unknown = [p for p in protocols if p not in PROTOCOLS or p == 'svm']
    if unknown:
        raise KeyError(f'unknown suite protocol(s) {unknown}; known: {list(SUITE_PROTOCOLS)}')
    ckpt = None if random_init(checkpoint) else osp.abspath(checkpoint)
    if ckpt is not None and not osp.isfile(ckpt):
        raise FileNotFoundError(f'checkpoint {checkpoint!r} does not exist')
    name = name or (osp.splitext(osp.basename(ckpt))[0] if ckpt else 'random-init')
    data_roots = dict(data_roots or {})
    extra = set(data_roots) - set(datasets)
    if extra:
        raise KeyError(f'--data-root names {sorted(extra)}, which are not in the suite')
    work_dir = osp.abspath(work_dir)
    records, feature_s, not_run = [], {}, []
    for dataset in datasets:
        log(f'==> {dataset}')
        run = prepare_run(dataset, ckpt, name, work_dir, data_roots.get(dataset), config,
                          img_scale, label_scale, max_images)
        records += run_dataset(run, layers, protocols, seeds, opts, over_ks, force, device, log,
                               not_run)
        path = osp.join(work_dir, slug(name), f'{run.head}_{run.backbone}_{dataset}',
                        'feature_time.json')
        if osp.isfile(path):
            with open(path) as f:
                feature_s[dataset] = json.load(f)
    rows = suite_table(records, feature_s)
    markdown = render_suite_markdown(rows, name, checkpoint, not_run)
    out = osp.join(work_dir, slug(name))
    os.makedirs(out, exist_ok=True)
    paths = dict(markdown=osp.join(out, 'dense_suite.md'), json=osp.join(out, 'dense_suite.json'))
    write_atomic(paths['markdown'], markdown)
    write_json_atomic(paths['json'], dict(name=name, checkpoint=checkpoint, seeds=list(seeds),
                                          rows=rows, not_run=not_run))
    log(f'==> table: {paths["markdown"]}')
    return dict(records=records, table=rows, not_run=not_run, markdown=markdown, paths=paths)


def _mean_std(values: Sequence[float]) -> Tuple[float, Optional[float]]:
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()), (float(values.std(ddof=1)) if len(values) > 1 else None)


def suite_table(records: Sequence[dict], feature_s: Optional[Dict[str, dict]] = None
                ) -> List[dict]:
    """One row per dataset and column (protocol x layer, K-means K, Hummingbird bank size).

    Args:
        records (Sequence[dict]): Records of :func:`run_dataset`.
        feature_s (dict, optional): Dataset -> split -> extraction seconds. Defaults to None.

    Returns:
        list[dict]: ``dataset, column, protocol, layer, metric, mean, std`` (None for one seed),
        ``seeds`` (how many), ``values`` (one per seed), ``wall_s`` (mean per seed),
        ``img_scale, label_scale, settings``.
    """
    groups: Dict[Tuple[str, str], List[dict]] = {}
    for rec in records:
        groups.setdefault((rec['dataset'], rec['column']), []).append(rec)
    rows = []
    for (dataset, column), recs in groups.items():
        first = recs[0]
        settings = dict(first.get('settings') or {})
        if first['protocol'] == 'kmeans':
            settings['K'] = first.get('num_clusters')
        if first['protocol'] in ('knn', 'hummingbird'):
            settings['bank_size'] = first.get('bank_size')
        walls = [r['wall_s'] for r in recs if r.get('wall_s') is not None]
        common = dict(dataset=dataset, protocol=first['protocol'], layer=first['layer'],
                      metric=first['metric'], img_scale=first.get('img_scale'),
                      label_scale=first.get('label_scale'))
        single = _single_scale_column(first)
        if single and (dataset, single) not in groups:  # a '+ms' record's single-scale score
            values = [float(r['mIoU_single_scale']) for r in recs]
            mean, std = _mean_std(values)
            rows.append(dict(common, column=single, mean=mean, std=std, seeds=len(recs),
                             values=values, wall_s=None,
                             settings=dict(settings, dinov2_multiscale=False)))
        values = [float(r[first['metric']]) for r in recs]
        mean, std = _mean_std(values)
        rows.append(dict(common, column=column, mean=mean, std=std, seeds=len(recs),
                         values=values, wall_s=float(np.mean(walls)) if walls else None,
                         settings=settings))
        if first['protocol'] == 'hummingbird':
            for i, entry in enumerate(first.get('sweep', [])[:-1]):
                values = [float(r['sweep'][i]['mIoU']) for r in recs]
                mean, std = _mean_std(values)
                rows.append(dict(common, column=f'{column} bank {entry["bank_size"]}',
                                 mean=mean, std=std, seeds=len(recs), values=values,
                                 wall_s=None,
                                 settings=dict(settings, bank_size=entry['bank_size'])))
    for dataset, splits in (feature_s or {}).items():
        for split, seconds in splits.items():
            rows.append(dict(dataset=dataset, column=f'features ({split})', protocol='features',
                             layer=None, metric=None, mean=None, std=None, seeds=None,
                             values=[], wall_s=seconds, img_scale=None, label_scale=None,
                             settings={}))
    return rows


def _single_scale_column(record: dict) -> Optional[str]:
    """The column of a DINOv2 '+ms' record's single-scale score (None for other records)."""
    variant = record.get('variant') or ''
    if record['protocol'] != 'lp-dinov2' or not variant.endswith('+ms') \
            or record.get('mIoU_single_scale') is None:
        return None
    return column_name('lp-dinov2', record['layer'], variant=variant[:-len('+ms')])


def fmt_value(value) -> str:
    """A setting or scale as a table shows it: ``'file'`` for None (a scale of the files' own
    size), ``'HxW'`` for a pair."""
    if value is None:
        return 'file'  # a scale of None: the files' own size
    if isinstance(value, (list, tuple)):
        return 'x'.join(str(v) for v in value)
    return str(value)


def settings_text(settings: Optional[dict]) -> str:
    """``k=v, ...`` of the settings that are set."""
    return ', '.join(f'{k}={v if isinstance(v, (int, float, str)) else fmt_value(v)}'
                     for k, v in (settings or {}).items() if v is not None)


def render_suite_markdown(rows: Sequence[dict], name: str, checkpoint: str,
                          not_run: Sequence[dict] = ()) -> str:
    """The table as Markdown: score (mean ± std over seeds; std: sample std, ddof 1), seeds,
    seconds per seed, settings; then the protocols the data did not allow."""
    lines = [f'# Dense evaluation: {name}', '', f'Checkpoint: `{checkpoint}`', '',
             '| dataset | protocol | score | seeds | wall (s) | img / label scale | settings |',
             '|---|---|---|---|---|---|---|']
    for row in rows:
        if row['mean'] is None:
            score = ''
        elif row['std'] is None:
            score = f'{row["mean"]:.2f}'
        else:
            score = f'{row["mean"]:.2f} ± {row["std"]:.2f}'
        if row['metric']:
            score = f'{score} {row["metric"]}'
        scales = (f'{fmt_value(row["img_scale"])} / {fmt_value(row["label_scale"])}'
                  if row['metric'] else '')
        settings = settings_text(row['settings'])
        wall = f'{row["wall_s"]:.1f}' if row['wall_s'] is not None else ''
        lines.append(f'| {row["dataset"]} | {row["column"]} | {score} | {row["seeds"] or ""} '
                     f'| {wall} | {scales} | {settings} |')
    if not_run:
        lines += ['', 'Not run:', '']
        lines += [f'- {e["dataset"]} {e["column"]}: {e["reason"]}' for e in not_run]
    return '\n'.join(lines) + '\n'
