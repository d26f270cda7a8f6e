"""Run the frozen-feature protocols for one checkpoint and write their records (what
``tools/evaluate_frozen.py`` calls).

``hummingbird`` and ``lp-dinov2`` are opt-in (not in :data:`DEFAULT_PROTOCOLS`): the first encodes
augmented train crops, the second trains a head for thousands of steps.
"""
import json
import os.path as osp
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..features.feature_model import build_feature_model
from ..features.labelled_images import find_labelled_images
from .clustering import kmeans_segmentation
from .convex_probe import convex_linear_probe
from .dense_features import DenseFeatures, extract_dense_features, resolve_layer
from .hummingbird import BANK_BASE, SAMPLINGS, hummingbird_evaluation
from .image_labels import labels_from_seg_maps, read_voc07_labels
from .image_svm import image_reader, pooled_features, svm_map
from .knn_segmentation import knn_segmentation
from .linear_dinov2 import DINOV2_SCALES, dinov2_linear_probe, probe_layers, probe_variant
from .records import PROTOCOL_COLUMNS, record_path, write_record
from .segment_retrieval import segment_retrieval

PROTOCOLS = tuple(PROTOCOL_COLUMNS)
DEFAULT_PROTOCOLS = ('lp-convex', 'retrieval', 'knn', 'kmeans', 'svm')
MODEL_PROTOCOLS = ('hummingbird', 'lp-dinov2')  # they need the model, not only cached maps
SEEDLESS = ('retrieval', )  # deterministic: run once, recorded under the first seed


@dataclass
class FrozenOptions:
    """Settings of the protocols (the CLI's ``--knn-k`` etc.; defaults as there).

    Attributes:
        knn_k (int): kNN neighbours. Defaults to 20.
        knn_temperature (float): kNN vote temperature. Defaults to 0.07.
        max_bank (int, optional): kNN bank cells at most (seeded sample). Defaults to 100000.
        retrieval_k (int): Segments that vote in retrieval. Defaults to 1.
        kmeans_factors (tuple[int]): K / #classes of each clustering. Defaults to (1, 2, 3).
        kmeans_n_init (int): K-means restarts. Defaults to 3.
        kmeans_max_fit (int, optional): Cells K-means is fitted on at most. Defaults to 50000.
        svm_C (float): Image SVM inverse regularisation. Defaults to 1.0.
        svm_ignore_classes (tuple[int]): Classes left out of the image labels (a background
            present in every image). Defaults to ().
        voc07_root (str, optional): Score the SVM on a VOC07 classification layout
            (trainval / test) instead of the labels of the segmentation splits. Defaults to None.
        probe_pixels (int, optional): Train pixels per image of the convex probe. Defaults to 256.
        probe_weight_decay (float): Its L2 penalty. Defaults to 1e-4.
        probe_class_weight (str, optional): None or 'balanced'. Defaults to None.
        probe_max_iter (int): Its L-BFGS iterations at most. Defaults to 1000.
        hbird_k (int): Hummingbird neighbours. Defaults to 30.
        hbird_temperature (float): Its softmax temperature. Defaults to 0.02.
        hbird_epochs (int): Augmentation epochs of its memory bank. Defaults to 1.
        hbird_bank_sizes (tuple[int], optional): Banks scored. Defaults to None (1024 x 10^k up
            to what exists, at most ``hbird_max_bank``).
        hbird_max_bank (int): Entries kept at most. Defaults to 10240000.
        hbird_crop_size (tuple[int, int], optional): (h, w) of the bank's crops. Defaults to
            None (the run's ``img_scale``, else the first train image's size).
        hbird_mask_size (tuple[int, int], optional): (h, w) the label crops are counted at.
            Defaults to None (the crop size).
        hbird_sampling (str): 'uniform' or 'per_image'. Defaults to 'uniform'.
        hbird_flip_prob (float): Crop flip probability. Defaults to 0.5.
        hbird_ignore_as (int, optional): Count ignored pixels as this class. Defaults to None.
        hbird_search (str): 'exact' or 'faiss'. Defaults to 'exact'.
        dinov2_layers (str): 'last' (DINOv2's linear) or 'last4' (linear4). Defaults to 'last'.
        dinov2_iters (int): Probe steps. Defaults to 40000.
        dinov2_batch_size (int): Defaults to 16.
        dinov2_crop_size (tuple[int, int]): Crop (h, w) in label pixels. Defaults to (512, 512).
        dinov2_optimizer (str): 'adamw' or 'sgd'. Defaults to 'adamw'.
        dinov2_lr (float, optional): Defaults to None (1e-3 AdamW, 1e-2 SGD).
        dinov2_multiscale (bool): Multi-scale + flip test as the main score. Defaults to False.
        dinov2_scales (tuple[float]): Its scales. Defaults to DINOV2_SCALES.
        dinov2_variants (tuple[str], optional): The dense suite's probes, by DINOv2's names
            ('linear', 'linear4', each with '+ms'; a '+ms' record also holds its single-scale
            score). Defaults to None (the one of ``dinov2_layers`` and ``dinov2_multiscale``).
    """
    knn_k: int = 20
    knn_temperature: float = 0.07
    max_bank: Optional[int] = 100000
    retrieval_k: int = 1
    kmeans_factors: Tuple[int, ...] = (1, 2, 3)
    kmeans_n_init: int = 3
    kmeans_max_fit: Optional[int] = 50000
    svm_C: float = 1.0
    svm_ignore_classes: Tuple[int, ...] = ()
    voc07_root: Optional[str] = None
    probe_pixels: Optional[int] = 256
    probe_weight_decay: float = 1e-4
    probe_class_weight: Optional[str] = None
    probe_max_iter: int = 1000
    hbird_k: int = 30
    hbird_temperature: float = 0.02
    hbird_epochs: int = 1
    hbird_bank_sizes: Optional[Tuple[int, ...]] = None
    hbird_max_bank: int = BANK_BASE * 10**4
    hbird_crop_size: Optional[Tuple[int, int]] = None
    hbird_mask_size: Optional[Tuple[int, int]] = None
    hbird_sampling: str = SAMPLINGS[0]
    hbird_flip_prob: float = 0.5
    hbird_ignore_as: Optional[int] = None
    hbird_search: str = 'exact'
    dinov2_layers: str = 'last'
    dinov2_iters: int = 40000
    dinov2_batch_size: int = 16
    dinov2_crop_size: Tuple[int, int] = (512, 512)
    dinov2_optimizer: str = 'adamw'
    dinov2_lr: Optional[float] = None
    dinov2_multiscale: bool = False
    dinov2_scales: Tuple[float, ...] = DINOV2_SCALES
    dinov2_variants: Optional[Tuple[str, ...]] = None


@dataclass
class FrozenRun:
    """What to evaluate and where the records go.

    Attributes:
        config (str): Pre-training or segmentation config that builds the model.
        checkpoint (str, optional): Weights; None for random init.
        data_root (str): MMSeg-layout dataset root.
        dataset (str): Dataset tag of the records ('toy', 'camvid', ...).
        dataset_type (str): Registered MMSeg dataset (classes, suffixes).
        name (str): Row label.
        head (str): Head tag of the records. Defaults to 'mocofcn'.
        backbone (str): Backbone tag of the records. Defaults to 'r18-d8'.
        work_dir (str): Root of the records. Defaults to 'work_dirs/eval'.
        img_scale (tuple, optional): (h, w) the model sees. Defaults to None.
        label_scale (tuple, optional): (h, w) labels are scored at. Defaults to None (file size).
        train_split (str): Defaults to 'train'.
        val_split (str): Defaults to 'val'.
        max_images (int, optional): First images of each split only. Defaults to None.
        init_seed (int): Seed of the initialisation when ``checkpoint`` is None (random init:
            one baseline model per seed). Defaults to 0.
    """
    config: str
    checkpoint: Optional[str]
    data_root: str
    dataset: str
    dataset_type: str
    name: str
    head: str = 'mocofcn'
    backbone: str = 'r18-d8'
    work_dir: str = 'work_dirs/eval'
    img_scale: Optional[Tuple[int, int]] = None
    label_scale: Optional[Tuple[int, int]] = None
    train_split: str = 'train'
    val_split: str = 'val'
    max_images: Optional[int] = None
    init_seed: int = 0
    extra: Dict[str, object] = field(default_factory=dict)


def run_protocol(protocol: str, train: Optional[DenseFeatures], val: DenseFeatures, seed: int,
                 opts: FrozenOptions, over: int = 1, svm_data=None) -> dict:
    """One protocol on extracted features (``svm_data``: train/test pooled features and labels)."""
    if protocol == 'retrieval':
        return segment_retrieval(train, val, k=opts.retrieval_k)
    if protocol == 'knn':
        return knn_segmentation(train, val, opts.knn_k, opts.knn_temperature, opts.max_bank, seed)
    if protocol == 'kmeans':
        res = kmeans_segmentation(val, over * val.num_classes, seed, opts.kmeans_n_init,
                                  opts.kmeans_max_fit)
        return dict(res, over=over)
    if protocol == 'lp-convex':
        return convex_linear_probe(train, val, opts.probe_pixels, opts.probe_weight_decay,
                                   opts.probe_class_weight, seed, opts.probe_max_iter)
    if protocol == 'svm':
        tr_x, tr_labels, te_x, te_labels = svm_data
        return svm_map(tr_x, tr_labels, te_x, te_labels, C=opts.svm_C, seed=seed)
    if protocol in MODEL_PROTOCOLS:
        raise KeyError(f'{protocol!r} needs the model: run it through evaluate_frozen')
    raise KeyError(f'unknown frozen protocol {protocol!r}; known: {PROTOCOLS}')


def evaluate_frozen(run: FrozenRun,
                    layers: Sequence[str],
                    protocols: Sequence[str],
                    seeds: Sequence[int] = (0, ),
                    opts: Optional[FrozenOptions] = None,
                    force: bool = False,
                    device: str = 'cpu',
                    progress: Optional[Callable[[str], Callable]] = None,
                    log: Callable[[str], None] = print) -> List[dict]:
    """Evaluate ``run`` on every layer and protocol; skip runs whose record exists (unless
    ``force``). Returns the records (read back for skipped runs)."""
    opts = opts or FrozenOptions()
    unknown = [p for p in protocols if p not in PROTOCOLS]
    if unknown:
        raise KeyError(f'unknown frozen protocol(s) {unknown}; known: {list(PROTOCOLS)}')
    model = build_feature_model(run.config, run.checkpoint, run.init_seed).to(device)
    layers = [resolve_layer(layer, model) for layer in layers]
    probe_reads = ({layer: probe_layers(layer, model.layer_names, opts.dinov2_layers)
                    for layer in layers} if 'lp-dinov2' in protocols else {})
    # the DINOv2 probe's extra stages come from the same pass over the images
    extract = list(dict.fromkeys(layers + [n for names in probe_reads.values() for n in names]))
    extracted = {}  # split -> layer -> features (every layer from one pass over the images)

    def split(layer: str, name: str) -> DenseFeatures:
        if name not in extracted:
            images = find_labelled_images(run.data_root, name, run.dataset_type,
                                          resize=run.label_scale, max_images=run.max_images)
            wrap = progress(f'{run.name} ({name})') if progress else None
            extracted[name] = extract_dense_features(model, images, extract, run.img_scale, wrap)
        return extracted[name][layer]

    records = []
    base = dict(name=run.name, checkpoint=run.checkpoint or None, config=run.config,
                head=run.head, backbone=run.backbone, dataset=run.dataset,
                data_root=run.data_root, img_scale=run.img_scale, label_scale=run.label_scale,
                **run.extra)
    if run.checkpoint is None:
        base['init_seed'] = run.init_seed
    for layer in layers:
        cache = {}
        for protocol in protocols:
            overs = opts.kmeans_factors if protocol == 'kmeans' else (1, )
            for over in overs:
                for seed in (seeds[:1] if protocol in SEEDLESS else seeds):
                    variant = (probe_variant(opts.dinov2_layers, opts.dinov2_multiscale)
                               if protocol == 'lp-dinov2' else None)
                    path = record_path(run.work_dir, run.name, run.head, run.backbone,
                                       run.dataset, protocol, layer, seed,
                                       over if protocol == 'kmeans' else None, variant)
                    if osp.isfile(path) and not force:
                        log(f'==> {path} exists, skipped (--force to redo)')
                        with open(path) as f:
                            records.append(json.load(f))
                        continue
                    train = val = svm_data = None
                    if protocol in MODEL_PROTOCOLS:
                        res = _model_protocol(protocol, run, model, layer, probe_reads, split,
                                              seed, opts, device, progress)
                    else:
                        if protocol == 'svm':
                            svm_data = _svm_data(run, model, layer, opts, split, cache, progress)
                        else:
                            train = (split(layer, run.train_split) if protocol != 'kmeans' else
                                     None)
                            val = split(layer, run.val_split)
                        res = run_protocol(protocol, train, val, seed, opts, over, svm_data)
                    rec = write_record(path, res, **base, protocol=protocol, layer=layer,
                                       seed=seed, train_split=run.train_split,
                                       val_split=run.val_split)
                    log(f'    {rec["column"]} seed {seed}: {rec["metric"]} '
                        f'{rec[rec["metric"]]:.2f}  -> {path}')
                    records.append(rec)
    return records


def _model_protocol(protocol: str, run: FrozenRun, model, layer: str,
                    probe_reads: Dict[str, List[str]], split, seed: int, opts: FrozenOptions,
                    device: str, progress) -> dict:
    """The protocols that need the model besides the cached maps: Hummingbird (it encodes
    augmented train crops) and the DINOv2 probe (its multi-scale test re-encodes val)."""
    if protocol == 'hummingbird':
        train_images = find_labelled_images(run.data_root, run.train_split, run.dataset_type,
                                            max_images=run.max_images)
        wrap = progress(f'{run.name} {layer} (Hummingbird bank)') if progress else None
        return hummingbird_evaluation(
            model, train_images, split(layer, run.val_split), layer,
            crop_size=opts.hbird_crop_size or run.img_scale, mask_size=opts.hbird_mask_size,
            epochs=opts.hbird_epochs, bank_sizes=opts.hbird_bank_sizes,
            max_size=opts.hbird_max_bank, k=opts.hbird_k, temperature=opts.hbird_temperature,
            sampling=opts.hbird_sampling, flip_prob=opts.hbird_flip_prob,
            ignore_as=opts.hbird_ignore_as, seed=seed, search=opts.hbird_search, device=device,
            progress=wrap)
    names = probe_reads[layer]
    val_images = find_labelled_images(run.data_root, run.val_split, run.dataset_type,
                                      resize=run.label_scale, max_images=run.max_images)
    return dinov2_linear_probe(
        [split(n, run.train_split) for n in names], [split(n, run.val_split) for n in names],
        iterations=opts.dinov2_iters, batch_size=opts.dinov2_batch_size,
        crop_size=opts.dinov2_crop_size, optimizer=opts.dinov2_optimizer, lr=opts.dinov2_lr,
        seed=seed, device=device, multiscale=opts.dinov2_multiscale, model=model,
        val_images=val_images, img_scale=run.img_scale, scales=opts.dinov2_scales)


def _svm_data(run: FrozenRun, model, layer: str, opts: FrozenOptions, split, cache: dict,
              progress):
    """Pooled features and image labels of the SVM's two splits (cached per layer)."""
    if 'svm' in cache:
        return cache['svm']
    if opts.voc07_root:
        out = []
        for name in ('trainval', 'test'):
            labels = read_voc07_labels(opts.voc07_root, name)
            wrap = progress(f'{run.name} {layer} (VOC07 {name})') if progress else None
            x = pooled_features(model, image_reader(labels, run.img_scale), len(labels.img_paths),
                                layer, wrap)
            out += [x, labels]
    else:
        out = []
        for name in (run.train_split, run.val_split):
            feats = split(layer, name)
            images = find_labelled_images(run.data_root, name, run.dataset_type,
                                          max_images=run.max_images)
            x = np.stack([f.mean((1, 2)) for f in feats.feats])
            out += [x, labels_from_seg_maps(images, opts.svm_ignore_classes)]
    cache['svm'] = tuple(out)
    return cache['svm']
