"""Checkpoints in mmengine runs: written all-or-nothing, read without running pickled code.

Importing ``ssl4dp_mm`` (every config does, through ``custom_imports``) installs two things into
mmengine, through its own extension points:

1. **Atomic local writes.** mmengine's ``save_checkpoint`` serialises the checkpoint to memory and
   hands the bytes to a file backend, whose ``LocalBackend.put`` opens the target and writes into
   it: a run killed (or out of disk) during that write leaves a truncated ``iter_N.pth`` that a
   later ``--resume`` or ``load_from`` trips over. :class:`AtomicLocalBackend` writes into a
   temporary file beside the target, flushes it to disk and renames it over the target
   (``os.replace``, atomic on POSIX and Windows), so a reader sees the old file or the whole new
   one, never a part. It replaces the backend for plain paths (``register_backend('local', ...,
   prefixes='', force=True)``); reading, listing and removing are LocalBackend's.
2. **A safe, explicit local checkpoint loader.** mmengine's ``load_from_local`` calls
   ``torch.load`` without ``weights_only``: safe under torch >= 2.6 only while nobody sets
   ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``, and a file that is not a checkpoint ends in an error that
   does not name it (``KeyError: 101``, ``EOFError``, a hint to switch the safety off).
   :func:`load_from_local_safe` (registered for plain paths with
   ``CheckpointLoader.register_scheme(prefixes='', force=True)``) passes ``weights_only=True``
   (the types mmengine checkpoints carry are allow-listed by :mod:`ssl4dp_mm.compat`) and raises
   ``ValueError`` naming the file. It serves ``load_from``, ``--resume``, ``tools/test.py`` and
   ``init_cfg=dict(type='Pretrained', ...)`` alike.
"""
import os.path as osp
from pathlib import Path
from typing import Union

import torch
from mmengine.fileio import LocalBackend, register_backend
from mmengine.runner.checkpoint import CheckpointLoader

from ..utils.atomic_files import write_atomic


class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose writes are all-or-nothing (temporary file, fsync, rename)."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath``, atomically."""
        write_atomic(str(filepath), obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Write text to ``filepath``, atomically."""
        write_atomic(str(filepath), obj.encode(encoding))


def _reason(err: Exception) -> str:
    """The informative line of torch's error (its weights-only message opens with advice to
    switch the safety off, which is the wrong advice for a file that is not a checkpoint)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    detail = next((line for line in lines if 'WeightsUnpickler error' in line),
                  lines[0] if lines else '')
    return f'{type(err).__name__}: {detail}'


def load_from_local_safe(filename: str, map_location=None):
    """mmengine's loader for plain paths, with ``weights_only=True`` and errors naming the file.

    Args:
        filename (str): Checkpoint path (``~`` is expanded).
        map_location (optional): As for ``torch.load``. Defaults to None.

    Returns:
        dict: The checkpoint.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not a checkpoint: not a torch file, truncated, holding a pickled object
            outside the allow-list (which is refused, not run), or not a dict.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename!r} does not exist')
    try:
        checkpoint = torch.load(filename, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises many types for a non-checkpoint
        raise ValueError(
            f'{filename!r} is not a loadable checkpoint (read with weights_only=True, so pickled '
            f'objects other than tensors and the allow-listed mmengine/NumPy types are refused, '
            f'never run): {_reason(err)}') from err
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{filename!r} holds a {type(checkpoint).__name__}, not a checkpoint dict')
    return checkpoint


register_backend('local', AtomicLocalBackend, force=True, prefixes='')
CheckpointLoader.register_scheme(prefixes='', loader=load_from_local_safe, force=True)
