"""A benchmark's results file: the environment line under its title (date, machine, device,
versions) and the Markdown table written with its JSON beside it, each file all or nothing."""
import datetime
import importlib
import json
import os
import os.path as osp
import platform
from typing import Any, Callable, Optional

from ..utils.atomic_files import write_atomic

SEPARATOR = ' · '
# how a version is told for names that are not a module's ``__version__``
VERSION_SOURCES = {'python': platform.python_version}


def today() -> str:
    """Today's date, ISO format (``2026-12-06``)."""
    return datetime.date.today().isoformat()


def processor() -> str:
    """The processor's name as ``platform`` knows it (its architecture when it does not)."""
    return platform.processor() or platform.machine()


def cpu_description() -> str:
    """The CPU model (``/proc/cpuinfo``, else :func:`processor`), its logical cores and the load
    average now: ``'<model>, 2 logical cores, load average 0.50, 0.40, 0.30'``."""
    cpu = processor()
    try:
        with open('/proc/cpuinfo') as f:
            names = [line.split(':', 1)[1].strip() for line in f if line.startswith('model name')]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = ', '.join(f'{x:.2f}' for x in os.getloadavg()) if hasattr(os, 'getloadavg') else '?'
    return f'{cpu}, {os.cpu_count()} logical cores, load average {load}'


def version(module: str) -> str:
    """The version of an importable module (``'torch'``), or of ``'python'``."""
    if module in VERSION_SOURCES:
        return VERSION_SOURCES[module]()
    return importlib.import_module(module).__version__


def versions(*modules: str, labels: Optional[dict] = None, sep: str = SEPARATOR) -> str:
    """``'torch 2.14.1 · mmengine 0.10.7'``: each module's name (or its label in ``labels``) and
    version.

    Args:
        *modules (str): importable module names, or ``'python'``.
        labels (dict, optional): module -> the name printed for it (``{'skimage':
            'scikit-image'}``). Defaults to None (the module names).
        sep (str): between two entries. Defaults to ``' · '``.
    """
    labels = labels or {}
    return sep.join(f'{labels.get(m, m)} {version(m)}' for m in modules)


def environment_line(*fields: str) -> str:
    """The line under a results file's title: date, host name, then ``fields`` (machine, device,
    :func:`versions`, the run's duration, ...), joined by ``' · '``."""
    return SEPARATOR.join((today(), platform.node()) + fields)


def write_markdown(path: str, text: str) -> None:
    """Write a results page (all or nothing)."""
    write_atomic(path, text)


def write_json(path: str, data: Any, indent: int = 1,
               default: Optional[Callable[[Any], Any]] = None) -> None:
    """Write ``data`` as JSON (all or nothing), indented as ``json.dump`` does.

    Args:
        path (str): the file.
        data: anything ``json.dumps`` takes.
        indent (int): the indent. Defaults to 1.
        default (callable, optional): ``json.dumps``'s fallback for other objects. Defaults to
            None.
    """
    write_atomic(path, json.dumps(data, indent=indent, default=default))


def json_beside(markdown_path: str) -> str:
    """The JSON file that goes with a results page: same name, ``.json``."""
    return osp.splitext(markdown_path)[0] + '.json'


def write_results(markdown_path: str, text: str, data: Any, indent: int = 1,
                  default: Optional[Callable[[Any], Any]] = None) -> None:
    """Write a results page and, beside it (:func:`json_beside`), its data as JSON.

    Args:
        markdown_path (str): the page; its folder is created if missing.
        text (str): the Markdown.
        data: the JSON's contents.
        indent (int): the JSON's indent. Defaults to 1.
        default (callable, optional): ``json.dumps``'s fallback for other objects. Defaults to
            None.
    """
    write_markdown(markdown_path, text)
    write_json(json_beside(markdown_path), data, indent=indent, default=default)


def cost_header(title: str, device: str = 'cpu', threads: Optional[int] = None) -> list:
    """Title and environment line of a page of measured costs (step time, throughput): processor,
    the GPU's name (``device='cuda'``) or the cores and threads, torch, mmengine and mmselfsup
    versions; the lines of the page, ending with a blank one.

    Args:
        title (str): the page's title (without ``#``).
        device (str): ``'cpu'`` or ``'cuda'``. Defaults to ``'cpu'``.
        threads (int, optional): torch threads on CPU. Defaults to None.
    """
    if device == 'cuda':
        import torch
        device_text = torch.cuda.get_device_name(0)
    else:
        device_text = f'{os.cpu_count()} cores, {threads} threads'
    return [f'# {title}', '',
            environment_line(processor(), device_text, versions('torch', 'mmengine', 'mmselfsup')),
            '']
