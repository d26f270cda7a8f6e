"""What every region-mask transform shares: where the mask goes, and the on-disk cache.

A region-mask transform runs once per image, *before* ``MultiViewWithCoord``. It writes an HxW
int32 map of region ids (``-1``: no region) under ``key`` and appends ``key`` to
``results['seg_fields']``, so ``RandomResizedCropWithCoord`` and ``RandomFlipWithCoord`` crop,
resize (nearest) and flip it with the image, and ``MultiViewWithCoord`` returns one map per view.
(MMSelfSup's own geometric transforms move only ``img``: view pipelines must use the
``*WithCoord`` ones.)
"""
import os.path as osp
import warnings
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform

from . import mask_cache


def add_mask_field(results: dict, key: str, mask: np.ndarray) -> dict:
    """Store ``mask`` (HxW) under ``key`` and register it in ``seg_fields`` (once)."""
    img_shape = results['img'].shape[:2]
    if mask.shape != img_shape:
        raise ValueError(f'{key!r}: mask is {mask.shape} but the image is {img_shape}')
    results[key] = np.ascontiguousarray(mask, dtype=np.int32)
    seg_fields = results.setdefault('seg_fields', [])
    if key not in seg_fields:
        seg_fields.append(key)
    return results


class CachedRegionMasks(BaseTransform):
    """Base of the transforms that compute masks from the image (superpixels), with a disk cache.

    With ``cache_dir`` set, the mask of an image is read from its cache file
    (:func:`mask_cache.cache_file`) when that file exists; otherwise it is computed and, with
    ``write_cache``, written there (:func:`mask_cache.save_mask`: atomic, so DataLoader workers and
    ranks that compute the same image at once each write a whole file and the last one stays), so
    each image is computed once per cache rather than once per epoch. ``tools/precompute_masks.py``
    fills the same files ahead of training. A cache that cannot be written (read-only, full) is
    not an error: the mask is computed as without a cache, with one warning per process, and
    writing stops for that process. A corrupt or mis-sized cache file raises an error that names
    it. Subclasses set ``name`` and implement :meth:`params` and :meth:`compute`.

    Args:
        key (str): Results key of the mask. Defaults to 'masks'.
        cache_dir (str, optional): Cache root. Defaults to None (always compute).
        img_root (str, optional): Folder the cache mirrors (see :mod:`.mask_cache`).
            Defaults to None.
        to_rgb (bool): The image is BGR (as ``LoadImageFromFile`` gives); convert before computing.
            Defaults to True.
        write_cache (bool): Write a computed mask to ``cache_dir`` (first use). False only reads
            the cache (as filled by ``tools/precompute_masks.py``). Defaults to True.
    """
    name = ''

    def __init__(self,
                 key: str = 'masks',
                 cache_dir: Optional[str] = None,
                 img_root: Optional[str] = None,
                 to_rgb: bool = True,
                 write_cache: bool = True) -> None:
        self.key = key
        self.cache_dir = cache_dir
        self.img_root = img_root
        self.to_rgb = to_rgb
        self.write_cache = write_cache
        self._cache_writable = True  # False after a failed write, in this process

    def params(self) -> dict:
        """The parameters that change the mask (they name the cache folder)."""
        raise NotImplementedError

    def compute(self, img: np.ndarray) -> np.ndarray:
        """HxW int region ids in ``0..K-1`` of an RGB (or BGR, if not ``to_rgb``) image."""
        raise NotImplementedError

    @property
    def method_key(self) -> str:
        return mask_cache.method_key(self.name, self.params())

    def cache_file(self, img_path: str) -> str:
        """The cache file of ``img_path`` (needs ``cache_dir``)."""
        if self.cache_dir is None:
            raise ValueError(f'{type(self).__name__}: cache_dir is not set')
        return mask_cache.cache_file(self.cache_dir, self.method_key, img_path, self.img_root)

    def compute_from_results(self, results: dict) -> np.ndarray:
        """The mask of ``results['img']``, computed (no cache)."""
        img = results['img']
        if self.to_rgb and img.ndim == 3:
            img = img[..., ::-1]
        return self.compute(np.ascontiguousarray(img))

    def compute_to_cache(self, results: dict) -> np.ndarray:
        """Compute the mask of ``results`` and write it to the cache file of its ``img_path``.

        ``tools/precompute_masks.py`` runs this for every image (the same file and format as
        :meth:`transform` writes on a cache miss); errors (a read-only cache, ids beyond 16 bits)
        propagate, where :meth:`transform` warns about an unwritable cache and goes on.

        Returns:
            np.ndarray: The HxW mask.
        """
        path = self.cache_file(results['img_path'])
        mask = self.compute_from_results(results)
        mask_cache.save_mask(path, mask)
        return mask

    def transform(self, results: dict) -> dict:
        img_path = results.get('img_path')
        if self.cache_dir is None or not img_path:
            return add_mask_field(results, self.key, self.compute_from_results(results))
        path = self.cache_file(img_path)
        if osp.isfile(path):  # written whole or not at all (save_mask renames into place)
            mask = mask_cache.load_mask(path, results['img'].shape[:2])
        else:
            mask = self.compute_from_results(results)
            if self.write_cache and self._cache_writable:
                try:
                    mask_cache.save_mask(path, mask)
                except OSError as err:
                    self._cache_writable = False
                    warnings.warn(f'{type(self).__name__}: cannot write the mask cache under '
                                  f'{self.cache_dir!r} ({err}); masks are computed without '
                                  'being cached in this process')
        return add_mask_field(results, self.key, mask)

    def __repr__(self) -> str:
        params = ', '.join(f'{k}={v!r}' for k, v in sorted(self.params().items()))
        return (f'{type(self).__name__}({params}, key={self.key!r}, '
                f'cache_dir={self.cache_dir!r}, write_cache={self.write_cache!r})')
