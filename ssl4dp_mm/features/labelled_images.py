"""Labelled images: image / label-map pairs of one split, and MMSegmentation's ``img_dir/<split>``,
``ann_dir/<split>`` layout read into them.

The class names, palette and file suffixes of that layout come from a registered MMSeg dataset
class (its ``METAINFO`` and its ``__init__`` defaults), so ``ToyScenesDataset`` and
``CamVidDataset`` work by name. Datasets in their own layouts (VOC, Cityscapes, ADE20K, ...) are
read from their segmentation configs: :mod:`.config_images`.
"""
import inspect
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import mmcv
import numpy as np


@dataclass
class LabelledImages:
    """Image/label file pairs of one split, with the class names.

    Attributes:
        img_paths (list[str]): Images, sorted by name.
        ann_paths (list[str]): Label maps (class index per pixel), same order.
        class_names (tuple[str]): Name of each class index.
        palette (list, optional): RGB colour per class, if the dataset defines one.
        ignore_index (int): Label value that is not a class. Defaults to 255.
        resize (tuple[int, int], optional): (height, width) every image and label map is resized to
            (bilinear / nearest); None keeps the files' size. Defaults to None.
        split (str): The split's name. Defaults to ''.
        load_annotations (dict, optional): An MMSeg ``LoadAnnotations`` transform config that
            reads the label maps, as the dataset's pipeline does (pillow decoding, so a palette
            PNG gives its indices; ``reduce_zero_label`` and ``label_map`` applied); None reads
            the files with OpenCV as they are. Defaults to None.
        reduce_zero_label (bool): The dataset's ``reduce_zero_label`` (0 -> ignored, k -> k - 1),
            applied by ``load_annotations``. Defaults to False.
        label_map (dict, optional): The dataset's ``label_map`` (old id -> new id, for a subset
            of its classes), applied by ``load_annotations``. Defaults to None.
    """
    img_paths: List[str]
    ann_paths: List[str]
    class_names: Tuple[str, ...]
    palette: Optional[list] = None
    ignore_index: int = 255
    resize: Optional[Tuple[int, int]] = None
    split: str = field(default='')
    load_annotations: Optional[dict] = None
    reduce_zero_label: bool = False
    label_map: Optional[Dict[int, int]] = None

    def __len__(self) -> int:
        return len(self.img_paths)

    def read_label(self, i: int) -> np.ndarray:
        """Label map ``i`` (HxW int64), checked: values are class indices or ``ignore_index``.

        Raises:
            ValueError: If the file is not a single-channel map or holds an unknown value.
        """
        path = self.ann_paths[i]
        if self.load_annotations is None:
            label = mmcv.imread(path, flag='unchanged', backend='cv2')
        else:
            label = self._load_with_mmseg(path)
        if label is None:
            raise ValueError(f'cannot read label map {path!r}')
        if label.ndim != 2:
            raise ValueError(f'label map {path!r} has shape {label.shape}; expected one channel '
                             'of class indices (HxW)')
        if self.resize is not None:
            label = mmcv.imresize(label, self.resize[::-1], interpolation='nearest')
        label = label.astype(np.int64)
        bad = (label >= len(self.class_names)) & (label != self.ignore_index)
        if bad.any():
            raise ValueError(f'label map {path!r} holds value {int(label[bad][0])}, which is '
                             f'neither a class index (< {len(self.class_names)}) nor the ignore '
                             f'index {self.ignore_index}')
        return label

    def _load_with_mmseg(self, path: str) -> np.ndarray:
        """The label map as the dataset's ``LoadAnnotations`` gives it (``gt_seg_map``)."""
        from mmengine.registry import DefaultScope
        from mmseg.registry import TRANSFORMS
        if not osp.isfile(path):
            raise FileNotFoundError(f'label map {path!r} does not exist')
        with DefaultScope.overwrite_default_scope('mmseg'):
            load = TRANSFORMS.build(dict(self.load_annotations))
        results = dict(seg_map_path=path, reduce_zero_label=self.reduce_zero_label,
                       label_map=self.label_map, seg_fields=[])
        return load(results)['gt_seg_map']

    def read_image(self, i: int) -> np.ndarray:
        """Image ``i`` as HxWx3 uint8 in BGR order (as mmcv and MMSeg read it)."""
        path = self.img_paths[i]
        img = mmcv.imread(path, flag='color', backend='cv2')
        if img is None:
            raise ValueError(f'cannot read image {path!r}')
        if self.resize is not None:
            img = mmcv.imresize(img, self.resize[::-1], interpolation='bilinear')
        return img


def dataset_meta(dataset_type: str) -> dict:
    """Classes, palette and file suffixes of a registered MMSeg dataset class.

    Args:
        dataset_type (str): E.g. ``'ToyScenesDataset'``, ``'CamVidDataset'``.

    Returns:
        dict: ``classes``, ``palette`` (or None), ``img_suffix``, ``seg_map_suffix``.

    Raises:
        KeyError: If no such dataset is registered.
    """
    from mmseg.registry import DATASETS  # ssl4dp_mm (the parent package) registered ours
    cls = DATASETS.get(dataset_type)
    if cls is None:
        raise KeyError(f'dataset type {dataset_type!r} is not registered in MMSegmentation')
    meta = dict(cls.METAINFO)
    params = inspect.signature(cls.__init__).parameters
    suffix = {k: params[k].default if k in params else default
              for k, default in (('img_suffix', '.jpg'), ('seg_map_suffix', '.png'))}
    return dict(classes=tuple(meta['classes']), palette=meta.get('palette'), **suffix)


def find_labelled_images(data_root: str,
                         split: str,
                         dataset_type: str = 'ToyScenesDataset',
                         class_names: Optional[Sequence[str]] = None,
                         img_suffix: Optional[str] = None,
                         seg_map_suffix: Optional[str] = None,
                         ignore_index: int = 255,
                         resize: Optional[Tuple[int, int]] = None,
                         max_images: Optional[int] = None) -> LabelledImages:
    """List ``data_root/img_dir/<split>`` with the matching ``ann_dir/<split>`` label maps.

    Args:
        data_root (str): Dataset root.
        split (str): Sub-folder, e.g. 'train' or 'val'.
        dataset_type (str): Registered MMSeg dataset whose classes and suffixes to use.
            Defaults to 'ToyScenesDataset'.
        class_names (Sequence[str], optional): Override the dataset's class names. Defaults to None.
        img_suffix (str, optional): Override the image suffix. Defaults to None.
        seg_map_suffix (str, optional): Override the label-map suffix. Defaults to None.
        ignore_index (int): Label value that is not a class. Defaults to 255.
        resize (tuple[int, int], optional): (height, width) to resize to. Defaults to None.
        max_images (int, optional): Use only the first images (sorted by name). Defaults to None.

    Raises:
        FileNotFoundError: If a folder is missing, holds no image, or an image has no label map.
    """
    meta = dataset_meta(dataset_type)
    img_suffix = img_suffix or meta['img_suffix']
    seg_map_suffix = seg_map_suffix or meta['seg_map_suffix']
    img_dir = osp.join(data_root, 'img_dir', split)
    ann_dir = osp.join(data_root, 'ann_dir', split)
    for folder in (img_dir, ann_dir):
        if not osp.isdir(folder):
            raise FileNotFoundError(f'{folder!r} does not exist (expected MMSeg layout '
                                    'img_dir/<split>, ann_dir/<split>)')
    names = sorted(f for f in os.listdir(img_dir) if f.endswith(img_suffix))
    if not names:
        raise FileNotFoundError(f'no *{img_suffix} image in {img_dir!r}')
    names = names[:max_images] if max_images else names
    img_paths, ann_paths = [], []
    for name in names:
        ann = osp.join(ann_dir, name[:-len(img_suffix)] + seg_map_suffix)
        if not osp.isfile(ann):
            raise FileNotFoundError(f'image {name!r} has no label map {ann!r}')
        img_paths.append(osp.join(img_dir, name))
        ann_paths.append(ann)
    classes = tuple(class_names) if class_names else meta['classes']
    palette = meta['palette'] if not class_names else None
    return LabelledImages(img_paths, ann_paths, classes, palette, ignore_index, resize, split)
