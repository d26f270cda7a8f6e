"""Seeded label-fraction splits (FT-10% and friends) in the list format of MMSeg's ``ann_file``.

A split is a plain text file with one image name per line: the image path relative to the
dataset's ``data_prefix.img_path``, without ``img_suffix`` (``2007_000032`` for VOC,
``aachen/aachen_000000_000019`` for Cityscapes, ``scene_00000`` for the toy scenes). MMSeg's
``BaseSegDataset`` reads such a file as its ``ann_file`` and loads exactly those images and their
label maps.

The sample is drawn once over all training images of a dataset config (over every part of a
``ConcatDataset``, e.g. VOC's ``train.txt`` + ``aug.txt``) with NumPy's legacy ``RandomState``,
whose stream is frozen across NumPy versions, from the sorted list of names: the same images, the
same seed and the same fraction always give the same files.
"""
import os
import os.path as osp
import tempfile
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope


def split_tag(fraction: float, seed: int) -> str:
    """The file-name tag of a split, e.g. ``'10pct_seed0'`` for ``fraction=0.1, seed=0``."""
    return f'{fraction * 100:g}pct_seed{seed}'


def dataset_parts(dataset_cfg: dict) -> List[dict]:
    """The member configs of a dataset config (a ``ConcatDataset``'s ``datasets``, or itself).

    Raises:
        ValueError: For wrappers other than ``ConcatDataset`` (their sampling is not a plain list).
    """
    kind = str(dataset_cfg.get('type', ''))
    if kind.split('.')[-1] == 'ConcatDataset':
        return [dict(part) for part in dataset_cfg['datasets']]
    if 'Dataset' in kind and 'dataset' in dataset_cfg:
        raise ValueError(f'label splits support plain datasets and ConcatDataset, not {kind!r}')
    return [dict(dataset_cfg)]


def list_images(dataset_cfg: dict) -> Dict[str, object]:
    """Build one MMSeg dataset from its config and list its images.

    Args:
        dataset_cfg (dict): A (non-wrapper) MMSeg dataset config, e.g. ``train_dataloader.dataset``.

    Returns:
        dict: ``names`` (list[str], relative to ``img_path``, without suffix, sorted), ``paths``
        (list[str], real absolute image paths, same order), ``img_dir`` (str), ``ann_file``
        (str or None, joined with ``data_root``) and ``data_root`` (str or None).
    """
    from mmseg.registry import DATASETS
    init_default_scope('mmseg')
    cfg = dict(dataset_cfg, pipeline=[], serialize_data=False, lazy_init=False)
    dataset = DATASETS.build(cfg)
    img_dir = dataset.data_prefix.get('img_path', '') or ''
    suffix = dataset.img_suffix
    names, paths = [], []
    for info in dataset.data_list:
        rel = osp.relpath(info['img_path'], img_dir) if img_dir else info['img_path']
        if suffix and rel.endswith(suffix):
            rel = rel[:-len(suffix)]
        names.append(rel.replace(os.sep, '/'))
        paths.append(osp.realpath(info['img_path']))
    order = sorted(range(len(names)), key=names.__getitem__)
    return dict(names=[names[i] for i in order], paths=[paths[i] for i in order], img_dir=img_dir,
                ann_file=dataset.ann_file or None, data_root=dataset.data_root)


def sample_fraction(items: Sequence, fraction: float, seed: int) -> List[int]:
    """Indices of a seeded random ``fraction`` of ``items`` (at least one), in increasing order.

    Args:
        items (Sequence): The population, in a canonical (sorted) order.
        fraction (float): Share to keep, in (0, 1].
        seed (int): Seed of NumPy's legacy ``RandomState`` (a frozen stream).

    Returns:
        list[int]: ``max(1, round(fraction * len(items)))`` sorted indices.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f'fraction must be in (0, 1], got {fraction}')
    if len(items) == 0:
        raise ValueError('cannot sample a label split from an empty list of images')
    k = max(1, int(round(fraction * len(items))))
    perm = np.random.RandomState(seed).permutation(len(items))
    return sorted(int(i) for i in perm[:k])


def split_path(part: Dict[str, object], tag: str, out_dir: Optional[str] = None) -> str:
    """Where a part's split file goes: beside its ``ann_file`` (``train.txt`` ->
    ``train_<tag>.txt``) or, for a part that scans a folder,
    ``<data_root>/splits/<folder>_<tag>.txt`` (``img_dir/train`` -> ``splits/train_<tag>.txt``);
    in ``out_dir`` when given."""
    if part['ann_file']:
        folder = osp.dirname(part['ann_file'])
        stem = osp.splitext(osp.basename(part['ann_file']))[0]
    else:
        folder = osp.join(part['data_root'] or '', 'splits')
        stem = osp.basename(osp.normpath(part['img_dir']))
    return osp.join(out_dir or folder, f'{stem}_{tag}.txt')


def _write_lines_atomic(lines: Sequence[str], path: str) -> None:
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.tmp-', suffix='.txt', dir=folder)
    with os.fdopen(fd, 'w') as f:
        f.writelines(line + '\n' for line in lines)
    os.replace(tmp, path)


def make_label_split(train_dataset: dict,
                     fraction: float = 0.1,
                     seed: int = 0,
                     val_dataset: Optional[dict] = None,
                     out_dir: Optional[str] = None) -> List[Dict[str, object]]:
    """Write a seeded ``fraction`` of a training set's images as ``ann_file`` lists, one per part.

    Args:
        train_dataset (dict): The full labelled training set, e.g. ``cfg.train_dataloader.dataset``
            of an FT-100% config (a dataset or a ``ConcatDataset``).
        fraction (float): Share of the training images to keep. Defaults to 0.1.
        seed (int): Sampling seed. Defaults to 0.
        val_dataset (dict, optional): The evaluation set; if given, a split that shares an image
            file with it is refused. Defaults to None.
        out_dir (str, optional): Folder for the files instead of the dataset's own (see
            :func:`split_path`). Defaults to None.

    Returns:
        list[dict]: Per part, in order: ``path`` (the written file), ``names`` (the kept names),
        ``num_total`` (the part's image count).

    Raises:
        ValueError: If the training set is empty, two parts would write the same file, or the split
            shares images with ``val_dataset``.
    """
    if isinstance(train_dataset, ConfigDict):
        train_dataset = train_dataset.to_dict()
    parts = [list_images(p) for p in dataset_parts(train_dataset)]
    population = [(i, j) for i, part in enumerate(parts) for j in range(len(part['names']))]
    if not population:
        raise ValueError(f'no training images found for {train_dataset.get("type")} under '
                         f'{[p["img_dir"] for p in parts]}')
    keep = [population[i] for i in sample_fraction(population, fraction, seed)]
    if val_dataset is not None:
        if isinstance(val_dataset, ConfigDict):
            val_dataset = val_dataset.to_dict()
        val_paths = set()
        for p in dataset_parts(val_dataset):
            val_paths.update(list_images(p)['paths'])
        shared = [parts[i]['paths'][j] for i, j in keep if parts[i]['paths'][j] in val_paths]
        if shared:
            raise ValueError(f'the label split shares {len(shared)} images with the validation '
                             f'set, e.g. {shared[0]!r}: the training list includes evaluation '
                             'images')
    tag = split_tag(fraction, seed)
    results = []
    for i, part in enumerate(parts):
        names = [part['names'][j] for pi, j in keep if pi == i]
        results.append(dict(path=split_path(part, tag, out_dir), names=names,
                            num_total=len(part['names'])))
    paths = [r['path'] for r in results]
    if len(set(paths)) != len(paths):
        raise ValueError(f'two parts of the training set would write the same split file: {paths}')
    for r in results:
        _write_lines_atomic(r['names'], r['path'])
    return results
