"""The embedded default data: small, seeded scenes of textured regions with per-pixel labels.

Each image is a background with several objects (ellipses, rectangles, polygons) drawn on top of
each other. A class is a *material*: a texture family (stripes, checkers, dots, fine noise, smooth
gradient) with a typical colour. Colours are jittered per object strongly enough that classes
overlap in colour, so a model has to look at texture too. Written in MMSegmentation's layout::

    root/img_dir/{train,val}/scene_00000.png   (RGB, 8 bit)
    root/ann_dir/{train,val}/scene_00000.png   (class index, 8 bit)

Generating 240 images of 96x128 takes about a second.
"""
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import cv2
import numpy as np

CLASSES = ('background', 'stripes', 'checker', 'dots', 'grain', 'smooth')
PALETTE = [[64, 64, 64], [220, 60, 60], [60, 180, 75], [240, 200, 40], [145, 60, 200],
           [70, 200, 220]]
# a typical RGB colour per class; objects jitter around it
_BASE_COLOURS = np.array([[110, 120, 130], [190, 90, 80], [90, 160, 100], [200, 180, 80],
                          [140, 100, 170], [100, 170, 190]], dtype=np.float32)


def _texture(cls: int, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A single-channel pattern in [-1, 1] for one material, HxW."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if cls == 0:  # background: low-frequency blobs
        small = rng.standard_normal((max(h // 16, 2), max(w // 16, 2))).astype(np.float32)
        pat = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC) * 0.5
    elif cls == 1:  # stripes of random orientation and period
        theta = rng.uniform(0, np.pi)
        period = rng.uniform(5, 9)
        pat = np.sin(2 * np.pi * (xx * np.cos(theta) + yy * np.sin(theta)) / period)
    elif cls == 2:  # checkerboard
        cell = int(rng.integers(3, 6))
        pat = (((xx // cell) + (yy // cell)) % 2) * 2.0 - 1.0
    elif cls == 3:  # dots on a flat field
        period = int(rng.integers(5, 8))
        r = period * 0.3
        dx = (xx % period) - period / 2
        dy = (yy % period) - period / 2
        pat = np.where(dx * dx + dy * dy < r * r, 1.0, -0.6)
    elif cls == 4:  # fine grain
        pat = np.clip(rng.standard_normal((h, w)).astype(np.float32), -2, 2) * 0.6
    else:  # smooth linear gradient
        theta = rng.uniform(0, 2 * np.pi)
        g = xx * np.cos(theta) + yy * np.sin(theta)
        pat = (g - g.min()) / max(float(np.ptp(g)), 1.0) * 1.6 - 0.8
    return pat.astype(np.float32)


def _appearance(cls: int, h: int, w: int, rng: np.random.Generator,
                colour_jitter: float) -> np.ndarray:
    """An HxWx3 float RGB image of one material."""
    colour = _BASE_COLOURS[cls] + rng.normal(0, colour_jitter, 3).astype(np.float32)
    contrast = rng.uniform(25, 45)
    pat = _texture(cls, h, w, rng)
    tint = rng.uniform(0.6, 1.0, 3).astype(np.float32)  # the pattern is not grey
    return colour[None, None] + contrast * pat[..., None] * tint[None, None]


def _object_mask(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A random ellipse, rectangle or polygon, HxW uint8 in {0, 1}."""
    mask = np.zeros((h, w), np.uint8)
    cx, cy = int(rng.uniform(0.1, 0.9) * w), int(rng.uniform(0.1, 0.9) * h)
    size = rng.uniform(0.12, 0.35) * min(h, w)
    kind = rng.integers(0, 3)
    if kind == 0:
        axes = (int(size), int(size * rng.uniform(0.5, 1.2)))
        cv2.ellipse(mask, (cx, cy), axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
    elif kind == 1:
        half = np.array([size, size * rng.uniform(0.5, 1.3)])
        p1 = (int(cx - half[0]), int(cy - half[1]))
        p2 = (int(cx + half[0]), int(cy + half[1]))
        cv2.rectangle(mask, p1, p2, 1, -1)
    else:
        n = int(rng.integers(3, 7))
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radii = size * rng.uniform(0.6, 1.3, n)
        pts = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1)
        cv2.fillPoly(mask, [pts.astype(np.int32)], 1)
    return mask


def make_scene(rng: np.random.Generator,
               size: Tuple[int, int] = (96, 128),
               objects: Tuple[int, int] = (3, 6),
               colour_jitter: float = 30.0) -> Tuple[np.ndarray, np.ndarray]:
    """Draw one scene.

    Args:
        rng (np.random.Generator): The random generator (the only source of randomness).
        size (tuple[int, int]): Image (height, width). Defaults to (96, 128).
        objects (tuple[int, int]): Inclusive range of the number of objects. Defaults to (3, 6).
        colour_jitter (float): Std of the per-object colour offset. Defaults to 30.0.

    Returns:
        tuple[np.ndarray, np.ndarray]: RGB image HxWx3 uint8 and label map HxW uint8.
    """
    h, w = size
    img = _appearance(0, h, w, rng, colour_jitter)
    label = np.zeros((h, w), np.uint8)
    for _ in range(int(rng.integers(objects[0], objects[1] + 1))):
        cls = int(rng.integers(1, len(CLASSES)))
        mask = _object_mask(h, w, rng).astype(bool)
        img[mask] = _appearance(cls, h, w, rng, colour_jitter)[mask]
        label[mask] = cls
    img += rng.normal(0, 4, img.shape).astype(np.float32)  # sensor noise
    return np.clip(img, 0, 255).astype(np.uint8), label


def make_toy_scenes(root: str,
                    num_images: Optional[Dict[str, int]] = None,
                    size: Tuple[int, int] = (96, 128),
                    seed: int = 0,
                    splits: Sequence[str] = ('train', 'val')) -> str:
    """Write the dataset to ``root`` (idempotent: an existing complete copy is kept).

    Args:
        root (str): Output folder.
        num_images (dict, optional): Images per split. Defaults to ``{'train': 200, 'val': 40}``.
        size (tuple[int, int]): Image (height, width). Defaults to (96, 128).
        seed (int): Seed; each split gets its own stream derived from it. Defaults to 0.
        splits (Sequence[str]): Splits to write. Defaults to ('train', 'val').

    Returns:
        str: ``root``.
    """
    num_images = num_images or {'train': 200, 'val': 40}
    stamp = osp.join(root, '.complete')
    signature = f'{sorted(num_images.items())} {tuple(size)} {seed} {list(splits)}'
    if osp.isfile(stamp):
        with open(stamp) as f:
            if f.read() == signature:
                return root
    for split_id, split in enumerate(splits):
        rng = np.random.default_rng([seed, split_id])
        img_dir = osp.join(root, 'img_dir', split)
        ann_dir = osp.join(root, 'ann_dir', split)
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(ann_dir, exist_ok=True)
        for i in range(num_images[split]):
            img, label = make_scene(rng, size)
            name = f'scene_{i:05d}.png'
            cv2.imwrite(osp.join(img_dir, name), img[..., ::-1])  # cv2 writes BGR
            cv2.imwrite(osp.join(ann_dir, name), label)
    with open(stamp, 'w') as f:
        f.write(signature)
    return root
