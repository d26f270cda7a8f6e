"""Tiny stand-ins for ADE20K (SceneParsing) and COCO-Stuff (STEGO's curated copy), in their real
on-disk layouts, as :mod:`.reference_layouts` makes VOC aug and Cityscapes::

    <root>/ADEChallengeData2016/                   make_ade20k(root) returns this folder
        images/{training,validation}/ADE_{train,val}_00000001.jpg
        annotations/{training,validation}/ADE_{train,val}_00000001.png   (0 = other, 1..150)

    <root>/cocostuff/                              make_cocostuff(root) returns this folder
        images/{train2017,val2017}/000000000009.jpg
        annotations/{train2017,val2017}/000000000009.png      (stuffthingmaps ids 0..181, 255)
        curated/{train2017,val2017}/Coco164kFull_Stuff_Coarse_7.txt   (and ..._Coarse.txt)

Real sizes: ADE20K 20,210 train and 2,000 val images (shorter side about 512); STEGO's COCO-Stuff
curated lists 49,629 train and 2,175 val images. Here: a few images of 64x96, seeded; the toy
classes map to random ids of the real label space, so the label files look like the real ones.
"""
import os
import os.path as osp
from typing import Dict, Optional, Tuple

import cv2
import numpy as np

from .cocostuff27 import TRAIN_LIST, UNUSED_IDS, VAL_LIST
from .reference_layouts import _stamp_ok, _write_stamp
from .toy_scenes import make_scene

ADE20K_NUM_CLASSES = 150
ADE20K_SIZES = {'training': 12, 'validation': 6}
COCOSTUFF_SIZES = {'train2017': 12, 'val2017': 6}


def make_ade20k(root: str,
                num_images: Optional[Dict[str, int]] = None,
                size: Tuple[int, int] = (64, 96),
                seed: int = 0) -> str:
    """Write a tiny ADE20K under ``root/ADEChallengeData2016`` (idempotent).

    Args:
        root (str): Output folder.
        num_images (dict, optional): Images per split, keys 'training', 'validation'. Defaults
            to ``ADE20K_SIZES`` (12, 6).
        size (tuple[int, int]): Image (height, width). Defaults to (64, 96).
        seed (int): Seed; each split gets its own stream. Defaults to 0.

    Returns:
        str: The ``ADEChallengeData2016`` folder.
    """
    num_images = dict(num_images or ADE20K_SIZES)
    ade = osp.join(root, 'ADEChallengeData2016')
    signature = f'ade20k {sorted(num_images.items())} {tuple(size)} {seed}'
    if _stamp_ok(ade, signature):
        return ade
    for split_id, (split, tag) in enumerate((('training', 'train'), ('validation', 'val'))):
        rng = np.random.default_rng([seed, 20 + split_id])
        for folder in ('images', 'annotations'):
            os.makedirs(osp.join(ade, folder, split), exist_ok=True)
        for i in range(num_images[split]):
            stem = f'ADE_{tag}_{i + 1:08d}'
            img, label = make_scene(rng, size)
            # toy classes -> 6 of the 150 ids (1..150); a band of 0 ("other", ignored by MMSeg)
            ids = rng.choice(np.arange(1, ADE20K_NUM_CLASSES + 1), 6, replace=False)
            seg = ids[label].astype(np.uint8)
            seg[-2:] = 0
            cv2.imwrite(osp.join(ade, 'images', split, stem + '.jpg'), img[..., ::-1])
            cv2.imwrite(osp.join(ade, 'annotations', split, stem + '.png'), seg)
    _write_stamp(ade, signature)
    return ade


def make_cocostuff(root: str,
                   num_images: Optional[Dict[str, int]] = None,
                   size: Tuple[int, int] = (64, 96),
                   seed: int = 0) -> str:
    """Write a tiny COCO-Stuff (stuffthingmaps labels, curated lists) under ``root/cocostuff``.

    Args:
        root (str): Output folder.
        num_images (dict, optional): Images per split, keys 'train2017', 'val2017'. Defaults to
            ``COCOSTUFF_SIZES`` (12, 6).
        size (tuple[int, int]): Image (height, width). Defaults to (64, 96).
        seed (int): Seed; each split gets its own stream. Defaults to 0.

    Returns:
        str: The ``cocostuff`` folder.
    """
    num_images = dict(num_images or COCOSTUFF_SIZES)
    coco = osp.join(root, 'cocostuff')
    signature = f'cocostuff {sorted(num_images.items())} {tuple(size)} {seed}'
    if _stamp_ok(coco, signature):
        return coco
    used = np.array([i for i in range(182) if i not in UNUSED_IDS])
    index = 0
    for split_id, split in enumerate(('train2017', 'val2017')):
        rng = np.random.default_rng([seed, 30 + split_id])
        for folder in ('images', 'annotations', 'curated'):
            os.makedirs(osp.join(coco, folder, split), exist_ok=True)
        stems = []
        for _ in range(num_images[split]):
            index += 1
            stem = f'{index * 9:012d}'
            img, label = make_scene(rng, size)
            # toy background -> a stuff id, objects -> thing or stuff ids; a few unlabelled pixels
            ids = np.concatenate([rng.choice(used[used >= 91], 1), rng.choice(used, 5, False)])
            seg = ids[label].astype(np.uint8)
            seg[:, :2] = 255
            cv2.imwrite(osp.join(coco, 'images', split, stem + '.jpg'), img[..., ::-1])
            cv2.imwrite(osp.join(coco, 'annotations', split, stem + '.png'), seg)
            stems.append(stem)
        lists = (VAL_LIST, TRAIN_LIST) if split == 'train2017' else (VAL_LIST, )
        for name in lists:
            with open(osp.join(coco, 'curated', split, name), 'w') as f:
                f.writelines(s + '\n' for s in stems)
    _write_stamp(coco, signature)
    return coco
