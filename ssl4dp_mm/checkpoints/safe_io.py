"""Safe checkpoint reading and all-or-nothing writing."""
import os
import os.path as osp
import tempfile
from typing import Any, Dict

import torch


def load_checkpoint_file(path: str) -> Dict[str, Any]:
    """Load a checkpoint with ``weights_only=True`` (types allow-listed by :mod:`ssl4dp_mm.compat`).

    Args:
        path (str): Checkpoint file.

    Returns:
        dict: The loaded object.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If the file is not a checkpoint (not a torch file, a planted pickle, not a
            dict).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint {path!r} does not exist')
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # torch raises many types for a non-checkpoint (IndexError, ...)
        raise ValueError(f'{path!r} is not a loadable checkpoint (loaded with weights_only=True, '
                         f'so arbitrary pickled objects are refused): {err}') from err
    if not isinstance(ckpt, dict):
        raise ValueError(f'{path!r} holds a {type(ckpt).__name__}, not a checkpoint dict')
    return ckpt


def save_checkpoint_atomic(obj: Any, path: str) -> None:
    """``torch.save`` to a temporary file beside ``path``, then rename: never a half-written
    file."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.tmp-', suffix='.pth', dir=folder)
    os.close(fd)
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
