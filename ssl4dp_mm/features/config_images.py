"""Labelled images of any dataset that has a segmentation config, read in its own on-disk layout.

The image / label-map pairs are those of the MMSeg dataset that the config's
``<split>_dataloader`` builds (``data_root``, ``data_prefix``, ``ann_file`` split lists,
``img_suffix`` / ``seg_map_suffix``, the parts of a ``ConcatDataset``), and the label maps are read
by the ``LoadAnnotations`` of its pipeline (``reduce_zero_label``, ``label_map``, pillow
decoding), so VOC 2012 aug (``JPEGImages`` + ``SegmentationClass`` / ``SegmentationClassAug``),
Cityscapes (``leftImg8bit`` + ``gtFine`` train ids) and ADE20K (``images`` + ``annotations``,
``reduce_zero_label``) need no layout reader of their own.
"""
import copy
from typing import Optional, Sequence, Tuple, Union

from mmengine.config import Config

from .labelled_images import LabelledImages

# dataset wrappers whose ``dataset`` holds the images (repeats and re-balancing are not new images)
_WRAPPERS = ('RepeatDataset', 'ClassBalancedDataset')


def _type_name(cfg: dict) -> str:
    """A config's ``type`` without its scope (``mmseg.LoadAnnotations`` -> ``LoadAnnotations``)."""
    kind = cfg.get('type', '')
    return kind.split('.')[-1] if isinstance(kind, str) else getattr(kind, '__name__', '')


def _load_annotations_cfg(pipeline: Sequence[dict]) -> dict:
    """The pipeline's ``LoadAnnotations`` config, or MMSeg's default one."""
    for step in pipeline or []:
        if _type_name(step) == 'LoadAnnotations':
            return dict(step)
    return dict(type='LoadAnnotations')


def images_from_config(config: Union[str, Config],
                       split: str,
                       data_root: Optional[str] = None,
                       class_names: Optional[Sequence[str]] = None,
                       ignore_index: int = 255,
                       resize: Optional[Tuple[int, int]] = None,
                       max_images: Optional[int] = None) -> LabelledImages:
    """The labelled images of one split of a segmentation config's dataset.

    Args:
        config (str | Config): A segmentation config (a leaf or a dataset base).
        split (str): ``train``, ``val`` or ``test``: the images of ``<split>_dataloader``.
        data_root (str, optional): Replaces the ``data_root`` of the dataset (of every part of a
            ``ConcatDataset``). Defaults to None (the config's).
        class_names (Sequence[str], optional): Override the dataset's class names (the label
            values stay). Defaults to None.
        ignore_index (int): Label value that is not a class; must be the dataset's. Defaults to
            255.
        resize (tuple[int, int], optional): (height, width) to resize to. Defaults to None.
        max_images (int, optional): Use only the first images, in the dataset's order. Defaults
            to None.

    Returns:
        LabelledImages: The pairs in the dataset's order, its classes and palette, and the label
        reading of its pipeline.

    Raises:
        KeyError: The config has no ``<split>_dataloader`` with a dataset (the message lists the
            splits it has).
        ValueError: The dataset has no label maps, ignores another value than ``ignore_index``,
            or its parts disagree on ``reduce_zero_label`` / ``label_map``.
        FileNotFoundError: A split list, image or label map is missing (from the dataset's own
            checks, or here).
    """
    # ssl4dp_mm (the parent package) registered our dataset classes and transforms
    from mmengine.registry import DefaultScope
    from mmseg.registry import DATASETS
    name = config if isinstance(config, str) else 'the config'
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    loader_key = f'{split}_dataloader'
    loader = cfg.get(loader_key)
    if not loader or not loader.get('dataset'):
        known = sorted(k[:-len('_dataloader')] for k in cfg.keys()
                       if k.endswith('_dataloader') and cfg.get(k) and cfg[k].get('dataset'))
        raise KeyError(f'{name} has no {loader_key}.dataset (its splits: {known})')
    ds_cfg = copy.deepcopy(loader['dataset'])
    while _type_name(ds_cfg) in _WRAPPERS:
        ds_cfg = ds_cfg['dataset']
    parts = list(ds_cfg['datasets']) if 'datasets' in ds_cfg else [ds_cfg]
    load_cfg = _load_annotations_cfg(parts[0].get('pipeline'))
    for part in parts:
        part['pipeline'] = []  # only the file list is needed; labels are read by load_cfg
        if data_root:
            part['data_root'] = data_root
    with DefaultScope.overwrite_default_scope('mmseg'):
        dataset = DATASETS.build(ds_cfg)
    subsets = list(getattr(dataset, 'datasets', [dataset]))
    for sub in subsets:
        if getattr(sub, 'ignore_index', ignore_index) != ignore_index:
            raise ValueError(f'{name}: the {split} dataset ignores label {sub.ignore_index}, not '
                             f'{ignore_index}; pass that ignore index')
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    infos = infos[:max_images] if max_images else infos
    if not infos:
        raise FileNotFoundError(f'{name}: the {split} dataset lists no image')
    unlabelled = [info['img_path'] for info in infos if not info.get('seg_map_path')]
    if unlabelled:
        raise ValueError(f'{name}: the {split} dataset has no label map for {unlabelled[0]!r} '
                         f'({len(unlabelled)} images without one)')
    settings = {(bool(info.get('reduce_zero_label', False)), repr(info.get('label_map')))
                for info in infos}
    if len(settings) > 1:
        raise ValueError(f'{name}: the parts of the {split} dataset read their labels '
                         f'differently (reduce_zero_label, label_map): {sorted(settings)}')
    meta = dataset.metainfo
    classes = tuple(class_names) if class_names else tuple(meta['classes'])
    palette = [list(c) for c in meta['palette']] if meta.get('palette') and not class_names \
        else None
    return LabelledImages(
        [info['img_path'] for info in infos], [info['seg_map_path'] for info in infos], classes,
        palette, ignore_index, resize, split, load_annotations=load_cfg,
        reduce_zero_label=bool(infos[0].get('reduce_zero_label', False)),
        label_map=infos[0].get('label_map'))
