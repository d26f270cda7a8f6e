"""The few shims the pinned OpenMMLab stack needs, each with its reason.

Everything here is applied once, when ``ssl4dp_mm`` is imported (configs reach it through
``custom_imports``), and is idempotent.

1. ``mmselfsup.engine.runner``: MMSelfSup 1.0.0 names this module as the location of its RUNNERS,
   RUNNER_CONSTRUCTORS and LOOPS registries, but never ships it. mmengine <= 0.7.0 swallowed the
   ImportError; from 0.7.1 on, building any runner in the ``mmselfsup`` scope dies with
   ``ModuleNotFoundError: No module named 'mmselfsup.engine.runner'``. An empty module under that name
   is exactly what the old behaviour amounted to.
2. Safe checkpoint loading under torch >= 2.6: ``torch.load`` defaults to ``weights_only=True`` and
   mmengine 0.10.7 calls it without the argument, so loading any checkpoint that mmengine itself wrote
   fails. Instead of switching the safety off, the handful of types such checkpoints carry are
   allow-listed. ``builtins.getattr`` (used to pickle the bound statistics methods of mmengine's
   ``HistoryBuffer``) is replaced by :func:`restricted_getattr`, which resolves only those attributes.
3. A clear message, instead of ``No module named 'mmcv._ext'``, when mmcv was installed without its
   compiled ops (``mmcv-lite`` or a wheel built for another torch): MMSegmentation imports
   ``mmcv.ops`` at import time.
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


def _safe_globals() -> list:
    from mmengine.logging.history_buffer import HistoryBuffer
    dtype_classes = {type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDGSUVOMm'}
    return [
        HistoryBuffer,
        np.core.multiarray._reconstruct,
        np.core.multiarray.scalar,
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
    _APPLIED = True
