"""Tiny stand-ins for PASCAL VOC 2012 aug and Cityscapes, in their real on-disk layouts.

The reference-scale configs read the real datasets; these copies let a test run them end to end
(pre-training without labels, the FT-10% / LP-100% / FT-100% protocols, the test) in seconds. The
pictures are the toy scenes' textured objects (:func:`ssl4dp_mm.datasets.toy_scenes.make_scene`),
their classes mapped to VOC or Cityscapes ids. Layouts, exactly as MMSeg's ``PascalVOCDataset`` /
``CityscapesDataset`` and our self-supervised configs read them::

    <root>/VOCdevkit/VOC2012/                    make_voc_aug(root) returns this folder
        JPEGImages/2007_000000.jpg ...           every image (train, aug and val)
        SegmentationClass/<name>.png             VOC's own labels (palette PNG, 255 = void)
        SegmentationClassAug/<name>.png          SBD's labels as MMSeg's voc_aug.py writes them
        ImageSets/Segmentation/train.txt         VOC train (labels in SegmentationClass)
        ImageSets/Segmentation/aug.txt           SBD minus VOC train and val (SegmentationClassAug)
        ImageSets/Segmentation/val.txt           VOC val
        ImageSets/Segmentation/train_aug.txt     train + aug: the images of self-supervised runs

    <root>/cityscapes/                           make_cityscapes(root) returns this folder
        leftImg8bit/{train,val}/<city>/<city>_000000_000019_leftImg8bit.png
        gtFine/{train,val}/<city>/<city>_000000_000019_gtFine_labelTrainIds.png  (0..18, 255)

Real sizes: VOC aug 1,464 train + 9,118 aug (10,582) and 1,449 val images of about 500x375;
Cityscapes 2,975 train and 500 val images of 2048x1024. Here: a few dozen images of 64x96 (VOC)
and 64x128 (Cityscapes), seeded.
"""
import os
import os.path as osp
from typing import Dict, Optional, Tuple

import cv2
import numpy as np
from PIL import Image

from .toy_scenes import make_scene

VOC_NUM_CLASSES = 21
CITYSCAPES_NUM_CLASSES = 19
# 12 + 20: the FT-10% split of seed 0 (3 of 32, drawn over both parts) has images in both parts
VOC_SIZES = {'train': 12, 'aug': 20, 'val': 8}
CITYSCAPES_SIZES = {'train': 24, 'val': 8}
_TRAIN_CITIES = ('aachen', 'bochum', 'zurich')
_VAL_CITIES = ('frankfurt', 'lindau')


def _voc_palette() -> list:
    """VOC's colour map (the bit-interleaving one of its devkit), 256 x RGB flattened."""
    palette = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        palette += [r, g, b]
    return palette


def _relabel(label: np.ndarray, ids: np.ndarray, void_border: bool) -> np.ndarray:
    """Toy class k -> ids[k]; optionally VOC's 255 outline around objects."""
    out = ids[label].astype(np.uint8)
    if void_border:
        edges = cv2.morphologyEx(label, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0
        out[edges] = 255
    return out


def _stamp_ok(root: str, signature: str) -> bool:
    stamp = osp.join(root, '.complete')
    if osp.isfile(stamp):
        with open(stamp) as f:
            return f.read() == signature
    return False


def _write_stamp(root: str, signature: str) -> None:
    with open(osp.join(root, '.complete'), 'w') as f:
        f.write(signature)


def make_voc_aug(root: str,
                 num_images: Optional[Dict[str, int]] = None,
                 size: Tuple[int, int] = (64, 96),
                 seed: int = 0) -> str:
    """Write a tiny VOC 2012 aug under ``root/VOCdevkit/VOC2012`` (idempotent).

    Args:
        root (str): Output folder.
        num_images (dict, optional): Images per list, keys 'train', 'aug', 'val'. Defaults to
            ``VOC_SIZES`` (12, 20, 8).
        size (tuple[int, int]): Image (height, width). Defaults to (64, 96).
        seed (int): Seed; each list gets its own stream derived from it. Defaults to 0.

    Returns:
        str: The ``VOC2012`` folder (the ``data_root`` of the configs).
    """
    num_images = dict(num_images or VOC_SIZES)
    voc = osp.join(root, 'VOCdevkit', 'VOC2012')
    signature = f'voc {sorted(num_images.items())} {tuple(size)} {seed}'
    if _stamp_ok(voc, signature):
        return voc
    folders = {k: osp.join(voc, k) for k in ('JPEGImages', 'SegmentationClass',
                                             'SegmentationClassAug', 'ImageSets/Segmentation')}
    for folder in folders.values():
        os.makedirs(folder, exist_ok=True)
    palette = _voc_palette()
    lists = {}
    index = 0
    for list_id, part in enumerate(('train', 'aug', 'val')):
        rng = np.random.default_rng([seed, list_id])
        names = []
        for _ in range(num_images[part]):
            name = f'{2007 + index % 5}_{index:06d}'
            index += 1
            img, label = make_scene(rng, size)
            # toy classes 1..5 become 5 of VOC's 20 object classes, background stays 0
            ids = np.concatenate([[0], rng.choice(np.arange(1, VOC_NUM_CLASSES), 5,
                                                  replace=False)])
            cv2.imwrite(osp.join(folders['JPEGImages'], name + '.jpg'), img[..., ::-1])
            if part == 'aug':  # SBD converted by MMSeg: single-channel, no void outline
                seg = _relabel(label, ids, False)
                cv2.imwrite(osp.join(folders['SegmentationClassAug'], name + '.png'), seg)
            else:  # VOC's own: palette PNG with a void (255) outline around objects
                seg = Image.fromarray(_relabel(label, ids, True), mode='P')
                seg.putpalette(palette)
                seg.save(osp.join(folders['SegmentationClass'], name + '.png'))
            names.append(name)
        lists[part] = names
    lists['train_aug'] = lists['train'] + lists['aug']
    for part, names in lists.items():
        with open(osp.join(folders['ImageSets/Segmentation'], f'{part}.txt'), 'w') as f:
            f.writelines(n + '\n' for n in names)
    _write_stamp(voc, signature)
    return voc


def make_cityscapes(root: str,
                    num_images: Optional[Dict[str, int]] = None,
                    size: Tuple[int, int] = (64, 128),
                    seed: int = 0) -> str:
    """Write a tiny Cityscapes (``leftImg8bit`` + ``gtFine`` train ids) under ``root/cityscapes``.

    Args:
        root (str): Output folder.
        num_images (dict, optional): Images per split, keys 'train', 'val'. Defaults to
            ``CITYSCAPES_SIZES`` (24, 8).
        size (tuple[int, int]): Image (height, width). Defaults to (64, 128).
        seed (int): Seed; each split gets its own stream derived from it. Defaults to 0.

    Returns:
        str: The ``cityscapes`` folder (the ``data_root`` of the configs).
    """
    num_images = dict(num_images or CITYSCAPES_SIZES)
    city_root = osp.join(root, 'cityscapes')
    signature = f'cityscapes {sorted(num_images.items())} {tuple(size)} {seed}'
    if _stamp_ok(city_root, signature):
        return city_root
    for split_id, (split, cities) in enumerate((('train', _TRAIN_CITIES), ('val', _VAL_CITIES))):
        rng = np.random.default_rng([seed, 10 + split_id])
        for i in range(num_images[split]):
            city = cities[i % len(cities)]
            stem = f'{city}_{i // len(cities):06d}_{19 + i:06d}'
            img_dir = osp.join(city_root, 'leftImg8bit', split, city)
            gt_dir = osp.join(city_root, 'gtFine', split, city)
            os.makedirs(img_dir, exist_ok=True)
            os.makedirs(gt_dir, exist_ok=True)
            img, label = make_scene(rng, size)
            # toy background -> road (0); objects -> 5 of the other 18 train ids; a few void pixels
            ids = np.concatenate([[0], rng.choice(np.arange(1, CITYSCAPES_NUM_CLASSES), 5,
                                                  replace=False)])
            seg = _relabel(label, ids, False)
            seg[:2] = 255  # the ego-vehicle / border pixels Cityscapes leaves unlabelled
            cv2.imwrite(osp.join(img_dir, stem + '_leftImg8bit.png'), img[..., ::-1])
            cv2.imwrite(osp.join(gt_dir, stem + '_gtFine_labelTrainIds.png'), seg)
    _write_stamp(city_root, signature)
    return city_root
