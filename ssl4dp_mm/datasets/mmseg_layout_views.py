"""Views of datasets in their own on-disk layouts as MMSeg's ``img_dir/<split>``,
``ann_dir/<split>`` layout, which the frozen-feature evaluation reads.

A view links every image and writes its label map as class indices (0..C-1, 255 ignored):

- ``voc``: ``VOC2012`` with ``ImageSets/Segmentation/<list>.txt``; labels from
  ``SegmentationClassAug`` where present, else ``SegmentationClass`` (palette PNG, read as indices);
- ``cityscapes``: ``leftImg8bit/<split>/<city>/*_leftImg8bit.png`` with the
  ``gtFine/..._gtFine_labelTrainIds.png`` maps (linked as they are);
- ``ade20k``: ``ADEChallengeData2016/images/<split>/*.jpg``, ``annotations/<split>/*.png`` with
  MMSeg's ``reduce_zero_label`` (0 "other" -> 255, k -> k - 1: 150 classes);
- ``cocostuff27``: STEGO's ``cocostuff`` folder, the curated list of the split, the fine labels
  merged into the 27 coarse classes (:func:`.cocostuff27.coarse_label`).

A finished view carries a stamp of what made it, so a second call returns at once.
"""
import os
import os.path as osp
from typing import Callable, Iterator, List, Optional, Tuple

import cv2
import numpy as np
from PIL import Image

from .cocostuff27 import TRAIN_LIST, VAL_LIST, coarse_label

LAYOUTS = ('voc', 'cityscapes', 'ade20k', 'cocostuff27')
# one item: (image path, label path, label converter or None to link the label file as it is)
Item = Tuple[str, str, Optional[Callable[[np.ndarray], np.ndarray]]]


def reduce_zero_label(label: np.ndarray) -> np.ndarray:
    """MMSeg's ``reduce_zero_label`` (``LoadAnnotations``): 0 -> 255, k -> k - 1, 255 stays.

    Args:
        label (np.ndarray): HxW label map (uint8 values).

    Returns:
        np.ndarray: HxW uint8 map.
    """
    out = label.astype(np.int64)
    out[out == 0] = 256  # -> 255 after the shift
    out = out - 1
    out[out == 254] = 255
    return out.astype(np.uint8)


def _need(path: str) -> str:
    if not osp.exists(path):
        raise FileNotFoundError(f'{path!r} does not exist')
    return path


def _read_lines(path: str) -> List[str]:
    with open(_need(path)) as f:
        return [line.strip() for line in f if line.strip()]


def _voc_items(root: str, split: str) -> Iterator[Item]:
    for stem in _read_lines(osp.join(root, 'ImageSets', 'Segmentation', f'{split}.txt')):
        aug = osp.join(root, 'SegmentationClassAug', stem + '.png')
        label = aug if osp.isfile(aug) else osp.join(root, 'SegmentationClass', stem + '.png')
        yield _need(osp.join(root, 'JPEGImages', stem + '.jpg')), _need(label), lambda x: x


def _cityscapes_items(root: str, split: str) -> Iterator[Item]:
    img_root = _need(osp.join(root, 'leftImg8bit', split))
    for city in sorted(os.listdir(img_root)):
        for name in sorted(os.listdir(osp.join(img_root, city))):
            if name.endswith('_leftImg8bit.png'):
                stem = name[:-len('_leftImg8bit.png')]
                label = osp.join(root, 'gtFine', split, city, stem + '_gtFine_labelTrainIds.png')
                yield osp.join(img_root, city, name), _need(label), None


def _ade20k_items(root: str, split: str) -> Iterator[Item]:
    img_root = _need(osp.join(root, 'images', split))
    for name in sorted(os.listdir(img_root)):
        if name.endswith('.jpg'):
            label = osp.join(root, 'annotations', split, name[:-4] + '.png')
            yield osp.join(img_root, name), _need(label), reduce_zero_label


def _cocostuff_items(root: str, split: str) -> Iterator[Item]:
    curated = osp.join(root, 'curated', split)
    name = VAL_LIST if split.startswith('val') else TRAIN_LIST
    if not osp.isfile(osp.join(curated, name)):
        name = VAL_LIST  # STEGO's train list may be absent: the 7-list exists for both splits
    for stem in _read_lines(osp.join(curated, name)):
        raw = osp.join(root, 'annotations', split, stem + '.png')
        train_ids = not osp.isfile(raw)
        label = osp.join(root, 'annotations', split, stem + '_labelTrainIds.png') if train_ids \
            else raw
        yield (_need(osp.join(root, 'images', split, stem + '.jpg')), _need(label),
               lambda x, t=train_ids: coarse_label(x, train_ids=t))


_READERS = dict(voc=_voc_items, cityscapes=_cityscapes_items, ade20k=_ade20k_items,
                cocostuff27=_cocostuff_items)


def _read_label(path: str) -> np.ndarray:
    """A label PNG as stored indices (palette PNGs as their indices, as MMSeg's pillow read)."""
    with Image.open(path) as img:
        if img.mode not in ('P', 'L', 'I', 'I;16'):
            raise ValueError(f'label map {path!r} has mode {img.mode}; expected one channel')
        return np.array(img)


def mmseg_view(layout: str, data_root: str, split: str, out_root: str, view_split: str,
               max_images: Optional[int] = None, label_suffix: str = '.png') -> str:
    """Write (or reuse) ``out_root/{img_dir,ann_dir}/<view_split>`` for ``split`` of a dataset.

    Args:
        layout (str): One of :data:`LAYOUTS`.
        data_root (str): The dataset in its own layout (``VOC2012``, ``cityscapes``,
            ``ADEChallengeData2016``, ``cocostuff``).
        split (str): Its split (list name for VOC, folder otherwise).
        out_root (str): Root of the view.
        view_split (str): Split name in the view ('train', 'val').
        max_images (int, optional): First images (by name) only. Defaults to None.
        label_suffix (str): What replaces the image suffix in a label name (Cityscapes:
            '_gtFine_labelTrainIds.png', as MMSeg's dataset expects). Defaults to '.png'.

    Returns:
        str: ``out_root``.

    Raises:
        KeyError: If ``layout`` is unknown.
        FileNotFoundError: If a list, folder, image or label map is missing.
    """
    if layout not in _READERS:
        raise KeyError(f'unknown dataset layout {layout!r}; known: {LAYOUTS}')
    img_dir = osp.join(out_root, 'img_dir', view_split)
    ann_dir = osp.join(out_root, 'ann_dir', view_split)
    stamp = osp.join(out_root, f'.{view_split}.complete')
    signature = f'{layout} {osp.abspath(data_root)} {split} {max_images} {label_suffix}'
    if osp.isfile(stamp):
        with open(stamp) as f:
            if f.read() == signature:
                return out_root
    items = sorted(_READERS[layout](data_root, split), key=lambda item: osp.basename(item[0]))
    if not items:
        raise FileNotFoundError(f'no image in split {split!r} of {data_root!r}')
    items = items[:max_images] if max_images else items
    for folder in (img_dir, ann_dir):
        os.makedirs(folder, exist_ok=True)
    img_suffix = '_leftImg8bit.png' if layout == 'cityscapes' else '.jpg'
    for img_path, label_path, convert in items:
        name = osp.basename(img_path)
        link = osp.join(img_dir, name)
        if osp.lexists(link):
            os.remove(link)
        os.symlink(osp.abspath(img_path), link)
        out = osp.join(ann_dir, name[:-len(img_suffix)] + label_suffix)
        if osp.lexists(out):
            os.remove(out)
        if convert is None:
            os.symlink(osp.abspath(label_path), out)
        else:
            cv2.imwrite(out, convert(_read_label(label_path)).astype(np.uint8))
    with open(stamp, 'w') as f:
        f.write(signature)
    return out_root
