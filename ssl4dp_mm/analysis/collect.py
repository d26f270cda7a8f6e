"""What the analysis tools share: which models to look at, on which pixels, with a progress bar."""
import argparse
import functools
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..features.config_images import images_from_config
from ..features.feature_model import DECODER, build_feature_model, describe_source
from ..features.labelled_images import LabelledImages, find_labelled_images
from .features import extract_features
from .pixel_sampling import PixelSamples, sample_pixels

NO_CHECKPOINT = ('none', 'random', 'random-init', '')
DEFAULT_DATA_ROOT = 'data/toy_scenes'  # --data-root without --data-config


@dataclass
class ModelSpec:
    """A model to analyse.

    Attributes:
        label (str): Its name in figures and tables.
        config (str): Pre-training or segmentation config.
        checkpoint (str, optional): Weights; None for the config's random initialisation.
    """
    label: str
    config: str
    checkpoint: Optional[str] = None

    @property
    def source(self) -> str:
        return describe_source(self.checkpoint)


def parse_model_specs(values: Optional[Sequence[Sequence[str]]]) -> List[ModelSpec]:
    """``[[LABEL, CONFIG, CHECKPOINT|none], ...]`` (from ``--model``) -> specs.

    Raises:
        FileNotFoundError: If a config or checkpoint file does not exist (checked before any work).
    """
    specs = []
    for label, config, ckpt in values or []:
        spec = ModelSpec(label, config, None if ckpt.lower() in NO_CHECKPOINT else ckpt)
        for kind, path in (('config', spec.config), ('checkpoint', spec.checkpoint)):
            if path is not None and not osp.isfile(path):
                raise FileNotFoundError(f'--model {label!r}: {kind} {path!r} does not exist')
        specs.append(spec)
    return specs


def progress_bar(desc: str, unit: str = 'it'):
    """A ``tqdm`` wrapper with a description (on stderr, also when it is not a terminal)."""
    from tqdm import tqdm
    return functools.partial(tqdm, desc=desc, unit=unit, leave=False, dynamic_ncols=True)


def add_model_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--model', nargs=3, action='append', metavar=('LABEL', 'CONFIG', 'CHECKPOINT'),
        help='a model to analyse (repeatable): its label, its pre-training or segmentation config, '
        'and a checkpoint (pre-training, MMSeg or converted) or "none" for random init')


def add_runtime_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--device', default='cpu', help='where the models run, e.g. cuda:0')
    parser.add_argument(
        '--threads', type=int, default=1,
        help='CPU threads (torch, t-SNE). 1 is the default: a 96x128 image takes ~0.05 s on one '
        'thread, and on a busy machine more threads were up to 10x slower (spinning OpenMP '
        'workers)')


def apply_threads(args: argparse.Namespace) -> None:
    """Set torch's CPU thread count from ``--threads``."""
    import torch
    torch.set_num_threads(max(1, args.threads))


def add_data_args(parser: argparse.ArgumentParser, num_per_class: int) -> None:
    """The labelled images (an ``img_dir/ann_dir`` layout, or a segmentation config's dataset),
    the pixels drawn from them, and :func:`add_runtime_args`."""
    parser.add_argument('--data-root', default=None,
                        help='MMSeg-layout dataset root (img_dir/<split>, ann_dir/<split>; '
                        f'default {DEFAULT_DATA_ROOT}); with --data-config: replaces the '
                        "config's data_root")
    parser.add_argument('--data-config',
                        help='read the images and label maps of a segmentation config (a leaf '
                        'or a dataset base, e.g. configs/_base_/datasets/voc12aug_seg.py) in '
                        "the dataset's own layout: a split names its <split>_dataloader (train, "
                        'val, test); classes, palette, suffixes and reduce_zero_label are the '
                        "dataset's (--dataset-type is not used)")
    parser.add_argument('--dataset-type', default='ToyScenesDataset',
                        help='registered MMSeg dataset giving class names, palette and suffixes')
    parser.add_argument('--classes', nargs='+', help='override the class names')
    parser.add_argument('--ignore-index', type=int, default=255, help='label value never sampled')
    parser.add_argument('--resize', nargs=2, type=int, metavar=('H', 'W'),
                        help='resize images (bilinear) and label maps (nearest) first')
    parser.add_argument('--max-images', type=int, help='use only the first images of a split')
    parser.add_argument('--num-per-class', type=int, default=num_per_class,
                        help='pixels sampled per class (balanced; fewer if a class has fewer)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the pixel sampling')
    add_runtime_args(parser)


def split_source(args: argparse.Namespace, split: str) -> str:
    """Where a split's images come from, for titles: ``<data root>/<split>``, or the data config's
    ``<split>`` loader."""
    if getattr(args, 'data_config', None):
        root = f', data_root {args.data_root}' if args.data_root else ''
        return f'{args.data_config} ({split}_dataloader{root})'
    return f'{args.data_root or DEFAULT_DATA_ROOT}/{split}'


def load_images(args: argparse.Namespace, split: str) -> LabelledImages:
    """The labelled images of ``split``: of ``--data-config``'s ``<split>_dataloader`` if given
    (:func:`ssl4dp_mm.features.images_from_config`), else ``img_dir/<split>`` of ``--data-root``.
    """
    resize = tuple(args.resize) if args.resize else None
    if getattr(args, 'data_config', None):
        return images_from_config(args.data_config, split, data_root=args.data_root,
                                  class_names=args.classes, ignore_index=args.ignore_index,
                                  resize=resize, max_images=args.max_images)
    return find_labelled_images(
        args.data_root or DEFAULT_DATA_ROOT, split, dataset_type=args.dataset_type,
        class_names=args.classes, ignore_index=args.ignore_index, resize=resize,
        max_images=args.max_images)


def load_split(args: argparse.Namespace, split: str) -> Tuple[LabelledImages, PixelSamples]:
    """The images of ``split`` (:func:`load_images`) and the class-balanced pixels drawn from
    them (per ``args``)."""
    images = load_images(args, split)
    samples = sample_pixels(images.read_label, len(images), len(images.class_names),
                            args.num_per_class, seed=args.seed, ignore_index=args.ignore_index,
                            progress=progress_bar(f'sampling {split} pixels', 'img'))
    short = [images.class_names[c]
             for c in np.flatnonzero(samples.class_counts < args.num_per_class)]
    if short:
        print(f'note: in {split}, these classes have fewer than {args.num_per_class} pixels and '
              f'are taken whole: {short}')
    return images, samples


def collect_layers(spec: ModelSpec, layers: Sequence[str],
                   splits: Sequence[Tuple[LabelledImages, PixelSamples]],
                   device: str = 'cpu'
                   ) -> Tuple[List[Dict[str, Optional[np.ndarray]]], Dict[str, str]]:
    """Features of ``layers`` of one model on one or more sampled splits.

    Args:
        spec (ModelSpec): The model.
        layers (Sequence[str]): Layer names.
        splits (Sequence[tuple]): ``(images, samples)`` pairs from :func:`load_split`.
        device (str): Where the model runs. Defaults to 'cpu'.

    A layer the model cannot provide (``decoder`` of a w/o dec config, or of a checkpoint without
    decoder weights) comes back as None with the reason in the second return value.

    Returns:
        tuple[list[dict], dict]: Per split ``layer -> NxC or None``; ``layer -> why it is missing``.
    """
    model = build_feature_model(spec.config, spec.checkpoint).to(device)
    missing = {}
    for layer in layers:
        if layer not in model.layer_names:
            missing[layer] = (f'{spec.label}: no {layer}' +
                              (' (w/o dec config)' if layer == DECODER else ''))
        elif (layer == DECODER and model.decoder_source == 'random init'
              and model.backbone_source != 'random init'):
            missing[layer] = f'{spec.label}: the checkpoint has no decoder weights'
    present = [layer for layer in layers if layer not in missing]
    results = []
    for images, samples in splits:
        feats = extract_features(
            model, images, samples, present,
            progress=progress_bar(f'{spec.label} ({images.split})', 'img')) if present else {}
        results.append({layer: feats.get(layer) for layer in layers})
    return results, missing
