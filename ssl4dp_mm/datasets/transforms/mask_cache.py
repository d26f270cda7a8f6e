"""Region masks cached on disk: one 16-bit PNG per image, in a folder per method and parameters.

Layout::

    <cache_dir>/<method_key>/<image path>.png

``method_key`` names the method and its parameters (``felzenszwalb_min_size64_scale64_sigma0.8``),
so masks made with other settings never mix. ``<image path>`` is the image's path relative to
``img_root`` when one is given (a cache that moves with the dataset), else its absolute path without
the leading separator. The mask transforms write an image's file the first time they compute its
mask (:meth:`~.region_masks.CachedRegionMasks.transform`) and read it afterwards;
``tools/precompute_masks.py`` fills the cache ahead of training.
"""
import os
import os.path as osp
from typing import Optional

import cv2
import numpy as np

from ...utils.atomic_files import write_atomic


def method_key(name: str, params: dict) -> str:
    """``name`` and the sorted ``key value`` pairs, e.g. ``slic_compactness10_n_segments32``."""
    parts = [name] + [f'{k}{v}' for k, v in sorted(params.items())]
    return '_'.join(parts).replace(os.sep, '-')


def cache_file(cache_dir: str, key: str, img_path: str, img_root: Optional[str] = None) -> str:
    """Where the mask of ``img_path`` is cached.

    Args:
        cache_dir (str): Cache root.
        key (str): The method key (:func:`method_key`).
        img_path (str): The image's path.
        img_root (str, optional): Folder the cache mirrors; the image must lie under it.
            Defaults to None (the absolute path is mirrored).

    Returns:
        str: The ``.png`` path.
    """
    path = osp.abspath(img_path)
    if img_root is not None:
        rel = osp.relpath(path, osp.abspath(img_root))
        if rel.startswith(os.pardir):
            raise ValueError(f'mask cache: image {img_path!r} is not under img_root {img_root!r}')
    else:
        rel = path.lstrip(os.sep)
    return osp.join(cache_dir, key, osp.splitext(rel)[0] + '.png')


def save_mask(path: str, mask: np.ndarray) -> None:
    """Write ``mask`` (HxW ids in 0..65535) as a 16-bit PNG, atomically.

    The PNG is encoded in memory, written and flushed to disk under a hidden temporary name in the
    same folder (``.<name>.<random>.tmp``), then renamed onto ``path`` with :func:`os.replace`. A
    reader therefore sees no file or a whole one, never a partial one; several processes may
    write the same mask at once (the last rename wins, and the contents are the same). A write
    that fails removes its temporary file; a process killed mid-write leaves at most that hidden
    ``.tmp`` file, which no reader opens.

    Raises:
        ValueError: ``mask`` is not HxW or has ids outside 0..65535.
        OSError: The folder cannot be created or written (read-only, full, ...).
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(f'mask for {path!r} must be HxW, got shape {mask.shape}')
    if mask.size and (mask.min() < 0 or mask.max() > np.iinfo(np.uint16).max):
        raise ValueError(f'mask for {path!r} has ids outside 0..65535 '
                         f'({mask.min()}..{mask.max()}); a PNG cache cannot hold them')
    ok, png = cv2.imencode('.png', mask.astype(np.uint16))
    if not ok:
        raise OSError(f'could not encode the mask cache file {path!r}')
    write_atomic(path, png.tobytes())


def load_mask(path: str, shape: Optional[tuple] = None) -> np.ndarray:
    """Read a cached mask as HxW int32; a clear error names a file that is corrupt or mis-sized.

    Args:
        path (str): The ``.png`` file.
        shape (tuple, optional): The expected ``(H, W)`` (the image's). Defaults to None.
    """
    mask = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if mask is None or mask.ndim != 2 or mask.dtype not in (np.uint8, np.uint16):
        raise OSError(f'mask cache file {path!r} is corrupt or not a single-channel 8/16-bit PNG; '
                      'delete it or rerun tools/precompute_masks.py --overwrite')
    if shape is not None and tuple(mask.shape) != tuple(shape):
        raise ValueError(f'mask cache file {path!r} is {mask.shape[0]}x{mask.shape[1]} but the '
                         f'image is {shape[0]}x{shape[1]}; the cache belongs to other images')
    return mask.astype(np.int32)
