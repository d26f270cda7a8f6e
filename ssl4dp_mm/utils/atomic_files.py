"""All-or-nothing file writes: a reader sees the old file or the whole new one, never a part."""
import json
import os
import os.path as osp
import uuid
from typing import Any, Union


def write_atomic(path: str, data: Union[bytes, str]) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, flushed to disk and renamed.

    The temporary file is hidden and this writer's alone (``.<name>.<random>.tmp``, created with
    ``O_EXCL``), so several processes may write the same path at once: the last rename wins. A
    write that fails removes its temporary file; a process killed mid-write leaves at most that
    hidden file, which no reader opens. The file gets the ordinary mode (0o666 less the umask).

    Args:
        path (str): The file to write; its folder is created if missing.
        data (bytes | str): The contents (``str`` is written as UTF-8).

    Raises:
        OSError: The folder cannot be created or written (read-only, full, ...).
    """
    if isinstance(data, str):
        data = data.encode('utf-8')
    folder, name = osp.split(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = osp.join(folder, f'.{name}.{uuid.uuid4().hex}.tmp')
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def write_json_atomic(path: str, obj: Any) -> None:
    """:func:`write_atomic` of ``obj`` as indented JSON."""
    write_atomic(path, json.dumps(obj, indent=2))
