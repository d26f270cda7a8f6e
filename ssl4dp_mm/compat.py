"""The few shims the pinned OpenMMLab stack needs, each with its reason.

Everything here is applied once, when ``ssl4dp_mm`` is imported (configs reach it through
``custom_imports``), and is idempotent.

1. ``mmselfsup.engine.runner``: MMSelfSup 1.0.0 names this module as the location of its RUNNERS,
   RUNNER_CONSTRUCTORS and LOOPS registries, but never ships it. mmengine <= 0.7.0 swallowed the
   ImportError; from 0.7.1 on, building any runner in the ``mmselfsup`` scope dies with
   ``ModuleNotFoundError: No module named 'mmselfsup.engine.runner'``. An empty module under that
   name is exactly what the old behaviour amounted to.
2. Safe checkpoint loading under torch >= 2.6: ``torch.load`` defaults to ``weights_only=True`` and
   mmengine 0.10.7 calls it without the argument, so loading any checkpoint that mmengine itself
   wrote fails. Instead of switching the safety off, the handful of types such checkpoints carry are
   allow-listed. ``builtins.getattr`` (used to pickle the bound statistics methods of mmengine's
   ``HistoryBuffer``) is replaced by :func:`restricted_getattr`, which resolves only those
   attributes.
3. A clear message, instead of ``No module named 'mmcv._ext'``, when mmcv was installed without its
   compiled ops (``mmcv-lite`` or a wheel built for another torch): MMSegmentation imports
   ``mmcv.ops`` at import time.
4. NumPy 2 (the pinned stack uses NumPy 1; this keeps newer images such as a GPU machine's working):
   mmcv 2.0.1's ``adjust_hue`` adds ``np.uint8(hue_factor * 255)`` to the hue channel, which NumPy 2
   refuses for a negative factor (``OverflowError: Python integer -21 out of bounds for uint8``)
   inside MMSelfSup's ``ColorJitter``. :func:`adjust_hue` does the same cyclic shift modulo 256 and
   is put in its place only when NumPy >= 2 is installed.
"""
import importlib
import pickle
import sys
import types

import numpy as np
import torch

_APPLIED = False

# attributes of mmengine's HistoryBuffer that its pickled state refers to through getattr
_HISTORY_BUFFER_ATTRS = frozenset({'min', 'max', 'mean', 'current', 'latest'})


def check_mmcv_ops() -> None:
    """Raise a clear error when ``mmcv`` lacks its compiled ops.

    Raises:
        ImportError: If ``mmcv.ops`` cannot be imported, with the steps that fix it.
    """
    try:
        importlib.import_module('mmcv.ops')
    except (ImportError, OSError) as err:  # OSError: an _ext built for another torch
        raise ImportError(
            'ssl4dp_mm needs mmcv 2.0.1 built with its C++ ops (MMSegmentation imports mmcv.ops), '
            f'but importing mmcv.ops failed: {err}. Run `bash tools/setup_env.sh` (it builds mmcv '
            f'against torch {torch.__version__} and caches the wheel), or install a matching wheel '
            'from OpenMMLab\'s index: pip install mmcv==2.0.1 -f '
            'https://download.openmmlab.com/mmcv/dist/<cu or cpu>/<torch>/index.html') from err


def restricted_getattr(obj, name: str):
    """A stand-in for ``builtins.getattr`` during safe unpickling.

    Only resolves the attributes that mmengine checkpoints legitimately reference: the statistics
    methods of ``HistoryBuffer`` and NumPy dtype classes. Anything else is refused, so a planted
    pickle cannot reach arbitrary callables through ``getattr``.

    Args:
        obj: The object whose attribute is looked up.
        name (str): The attribute name.

    Returns:
        The attribute.

    Raises:
        pickle.UnpicklingError: If the lookup is not one of the allowed ones.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    is_buffer = obj is HistoryBuffer or isinstance(obj, HistoryBuffer)  # class: unbound methods
    if is_buffer and name in _HISTORY_BUFFER_ATTRS:
        return getattr(obj, name)
    if obj is np or obj is getattr(np, 'dtypes', None):
        value = getattr(obj, name, None)
        if isinstance(value, type) and issubclass(value, np.dtype):
            return value
    raise pickle.UnpicklingError(
        f'refusing getattr({type(obj).__name__}, {name!r}) while loading a checkpoint: only '
        'HistoryBuffer statistics and NumPy dtypes are allowed (weights_only=True)')


def adjust_hue(img: np.ndarray, hue_factor: float, backend=None) -> np.ndarray:
    """mmcv 2.0.1's ``adjust_hue`` with the hue shift taken modulo 256 (works under NumPy 2).

    Under NumPy 1 it returns exactly what ``mmcv.adjust_hue`` returns (tested).

    Args:
        img (np.ndarray): A BGR image, (H, W, 3).
        hue_factor (float): Shift of the hue channel, in [-0.5, 0.5].
        backend (str, optional): ``'cv2'`` or ``'pillow'``; None uses mmcv's image backend.
            Defaults to None.

    Returns:
        np.ndarray: The hue-shifted image, same dtype as ``img``.
    """
    import cv2
    from mmcv.image import photometric
    if backend is None:
        backend = photometric.imread_backend
    if backend not in ('cv2', 'pillow'):
        raise ValueError(f'backend: {backend} is not supported. Supported backends are cv2, pillow')
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f'hue_factor:{hue_factor} is not in [-0.5, 0.5].')
    if not (isinstance(img, np.ndarray) and img.ndim in (2, 3)):
        raise TypeError('img should be ndarray with dim=[2 or 3].')
    shift = np.uint8(int(hue_factor * 255) % 256)  # what NumPy 1's wrap-around gave
    if backend == 'pillow':
        from PIL import Image
        assert img.dtype == np.uint8, 'Pillow backend only support uint8 type'
        h, s, v = Image.fromarray(img[..., ::-1], mode='RGB').convert('HSV').split()
        np_h = np.array(h, dtype=np.uint8) + shift  # uint8 addition wraps around
        hsv = Image.merge('HSV', (Image.fromarray(np_h, 'L'), s, v))
        return np.array(hsv.convert('RGB'), dtype=img.dtype)[..., ::-1]
    dtype = img.dtype
    h, s, v = cv2.split(cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_BGR2HSV_FULL))
    h = h.astype(np.uint8) + shift  # (H, W) uint8, wraps around
    return cv2.cvtColor(cv2.merge([h, s, v]), cv2.COLOR_HSV2BGR_FULL).astype(dtype)


def _patch_adjust_hue_for_numpy2() -> None:
    if int(np.__version__.split('.')[0]) < 2:
        return
    import mmcv
    import mmcv.image
    import mmcv.image.photometric
    for module in (mmcv, mmcv.image, mmcv.image.photometric):
        module.adjust_hue = adjust_hue
    try:
        import mmselfsup.datasets.transforms.processing as selfsup_processing
        selfsup_processing.adjust_hue = adjust_hue
    except ImportError:
        pass


def _safe_globals() -> list:
    from mmengine.logging.history_buffer import HistoryBuffer
    dtype_classes = {type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDGSUVOMm'}
    multiarray = importlib.import_module(
        'numpy._core.multiarray' if hasattr(np, '_core') else 'numpy.core.multiarray')
    return [
        HistoryBuffer,
        multiarray._reconstruct,
        multiarray.scalar,
        np.ndarray,
        np.dtype,
        *sorted(dtype_classes, key=lambda c: c.__name__),
        __import__('_codecs').encode,
        (restricted_getattr, 'builtins.getattr'),
    ]


def _register_missing_mmselfsup_runner() -> None:
    name = 'mmselfsup.engine.runner'
    if name not in sys.modules:
        module = types.ModuleType(name)
        module.__doc__ = 'Empty stand-in registered by ssl4dp_mm.compat (see its docstring).'
        sys.modules[name] = module


def apply() -> None:
    """Apply every shim once."""
    global _APPLIED
    if _APPLIED:
        return
    check_mmcv_ops()
    _register_missing_mmselfsup_runner()
    torch.serialization.add_safe_globals(_safe_globals())
    _patch_adjust_hue_for_numpy2()
    _APPLIED = True
