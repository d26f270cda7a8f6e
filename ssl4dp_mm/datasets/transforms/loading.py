"""Image loading that names the file in every failure and always gives 3-channel BGR."""
from typing import Optional

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine.registry import TRANSFORMS  # the root registry: reachable from mmselfsup and mmseg


def to_three_channels(img: np.ndarray, filename: str) -> np.ndarray:
    """Grayscale -> replicated to 3 channels; BGRA -> alpha dropped (not composited).

    Args:
        img (np.ndarray): HxW, HxWx1, HxWx3 or HxWx4 decoded image.
        filename (str): For the error message.

    Returns:
        np.ndarray: HxWx3.

    Raises:
        ValueError: For any other shape.
    """
    if img.ndim == 2:
        img = img[..., None]
    if img.ndim == 3 and img.shape[2] == 1:
        return np.repeat(img, 3, axis=2)
    if img.ndim == 3 and img.shape[2] == 4:
        return np.ascontiguousarray(img[..., :3])
    if img.ndim == 3 and img.shape[2] == 3:
        return img
    raise ValueError(f'image {filename!r} decoded to shape {img.shape}; expected HxW, HxWx1, '
                     'HxWx3 or HxWx4')


@TRANSFORMS.register_module()
class LoadImageChecked(LoadImageFromFile):
    """``LoadImageFromFile`` with a clear error for every bad file, and always HxWx3 BGR.

    The rules (see ``docs/hardening.md``):

    - a missing file raises ``FileNotFoundError``, an empty, undecodable or truncated one raises
      ``ValueError``; each names the file (MMCV's loader raises a bare OpenCV error for an empty
      file and an ``assert`` otherwise, which ``python -O`` removes);
    - with the default ``color_type='color'`` OpenCV returns 8-bit BGR for grayscale, palette,
      RGBA and 16-bit files alike; for any other ``color_type`` a grayscale result is replicated
      to 3 channels and an alpha channel is dropped (not composited over a background).

    Required keys: ``img_path``. Added keys: ``img``, ``img_shape``, ``ori_shape``.

    Args:
        to_float32 (bool): Convert to float32. Defaults to False.
        color_type (str): Flag of :func:`mmcv.imfrombytes`. Defaults to 'color'.
        imdecode_backend (str): Decoder of :func:`mmcv.imfrombytes`. Defaults to 'cv2'.
        ignore_empty (bool): Return None (the dataset then picks another sample) instead of
            raising for a missing, empty or undecodable file. Defaults to False.
        backend_args (dict, optional): File backend arguments. Defaults to None.
    """

    def __init__(self,
                 to_float32: bool = False,
                 color_type: str = 'color',
                 imdecode_backend: str = 'cv2',
                 ignore_empty: bool = False,
                 *,
                 backend_args: Optional[dict] = None) -> None:
        super().__init__(
            to_float32=to_float32,
            color_type=color_type,
            imdecode_backend=imdecode_backend,
            ignore_empty=ignore_empty,
            backend_args=backend_args)

    def _decode(self, filename: str) -> np.ndarray:
        try:
            img_bytes = fileio.get(filename, backend_args=self.backend_args)
        except FileNotFoundError as err:
            raise FileNotFoundError(f'image {filename!r} does not exist') from err
        if not img_bytes:
            raise ValueError(f'image file {filename!r} is empty (0 bytes)')
        try:
            img = mmcv.imfrombytes(img_bytes, flag=self.color_type, backend=self.imdecode_backend)
        except Exception as err:  # OpenCV and Pillow raise various types
            raise ValueError(f'cannot decode image {filename!r}: {type(err).__name__}: {err}') \
                from err
        if img is None:
            raise ValueError(f'cannot decode image {filename!r}: not an image, or corrupt or '
                             f'truncated ({len(img_bytes)} bytes)')
        return to_three_channels(img, filename)

    def transform(self, results: dict) -> Optional[dict]:
        filename = results['img_path']
        try:
            img = self._decode(filename)
        except (FileNotFoundError, ValueError):
            if self.ignore_empty:
                return None
            raise
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results
