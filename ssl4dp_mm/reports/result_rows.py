"""The quality results files of ``benchmarks/results/``: rows keyed by a method's row name.

A row file is a JSON object ``{row name: row}``; a row holds ``name``, ``label`` and, per protocol
it was measured with (``lp``, ``ft10``, ``lp-convex``, ...), the list of its mIoU values, one per
run (pre-training seed x evaluation seed). ``pretrain.seeds`` lists the pre-training seeds where
the benchmark recorded them. The title and the date of a file come from the first lines of its
Markdown table (``X.md`` beside ``X.json``), which the benchmark writes with it.
"""
import json
import os.path as osp
import re
import statistics
from dataclasses import dataclass
from glob import glob
from typing import Dict, List, Optional, Sequence, Tuple

# the protocol keys of a row, in column order, and their column titles
PROTOCOL_COLUMNS: Tuple[Tuple[str, str], ...] = (
    ('lp', 'LP-100%'),
    ('ft10', 'FT-10%'),
    ('ft100', 'FT-100%'),
    ('lp-convex', 'LP-convex'),
    ('retrieval', 'retrieval'),
    ('knn', 'kNN'),
    ('kmeans', 'K-means'),
)
# configs/selfsup folders that are no method's own folder (the upstream image-level model of the
# continued regime); a method's README lists the configs of its prefixes in them
SHARED_FOLDERS = ('upstream', )
# ViT rows name image-level MoCo 'mocov2'; they run configs/selfsup/mocodec/mocodec_vit-*
VIT_ROW_PREFIX = {'mocov2': 'mocodec'}
DATE = re.compile(r'\b(20\d\d-\d\d-\d\d)\b')


@dataclass(frozen=True)
class RowFile:
    """One results file with method rows.

    Args:
        path (str): the JSON file, relative to the repository root.
        title (str): the title line of its Markdown table (without ``#``).
        date (str): the date the benchmark wrote, ``YYYY-MM-DD`` (``''`` if none).
        rows (dict): row name -> row, in the file's order.
    """

    path: str
    title: str
    date: str
    rows: Dict[str, dict]


def title_and_date(md_path: str) -> Tuple[str, str]:
    """The title (first line, ``#`` stripped) and the first ``YYYY-MM-DD`` of a Markdown file.

    Args:
        md_path (str): the file.

    Returns:
        tuple: ``(title, date)``; ``date`` is ``''`` where the first 10 lines name none.
    """
    with open(md_path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    if not lines or not lines[0].startswith('#'):
        raise ValueError(f'{md_path}: the first line is not a Markdown title')
    dates = [m.group(1) for line in lines[:10] for m in [DATE.search(line)] if m]
    return lines[0].lstrip('#').strip(), (dates[0] if dates else '')


def is_row_file(data) -> bool:
    """Whether parsed JSON is a file of method rows (every value a dict with name and label)."""
    return (isinstance(data, dict) and bool(data)
            and all(isinstance(v, dict) and 'name' in v and 'label' in v for v in data.values()))


def load_row_files(root: str) -> List[RowFile]:
    """Every results file of method rows under ``<root>/benchmarks/results``, newest first.

    Args:
        root (str): the repository root.

    Returns:
        list[RowFile]: sorted by date (newest first), then path.
    """
    files = []
    for path in sorted(glob(osp.join(root, 'benchmarks', 'results', '*.json'))):
        with open(path, encoding='utf-8') as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as e:
                raise ValueError(f'{path}: not valid JSON ({e})') from e
        if not is_row_file(data):
            continue
        for key, row in data.items():
            if row['name'] != key:
                raise ValueError(f'{path}: row {key!r} carries name {row["name"]!r}')
        md = osp.splitext(path)[0] + '.md'
        if not osp.exists(md):
            raise FileNotFoundError(f'{path}: its Markdown table {md} is missing')
        title, date = title_and_date(md)
        files.append(RowFile(osp.relpath(path, root).replace(osp.sep, '/'), title, date, data))
    files.sort(key=lambda f: f.path)
    files.sort(key=lambda f: f.date, reverse=True)
    return files


def row_method(name: str) -> Optional[str]:
    """The config-file prefix of the method a row measures; ``None`` for a random-init row.

    ``plmoco-dec-nl`` -> ``plmoco``, ``detcons-dec-vit-s`` -> ``detcons``,
    ``mocov2-vit-t`` -> ``mocodec`` (the ViT MoCo configs).

    Args:
        name (str): the row name.
    """
    base = name.split('-')[0]
    if base == 'random':
        return None
    if '-vit-' in name:
        return VIT_ROW_PREFIX.get(base, base)
    return base


def format_cell(values: Sequence[float]) -> str:
    """``mean ± std`` (sample standard deviation) to two decimals; the mean alone for one value.

    Args:
        values (Sequence[float]): the runs' values; empty gives ``'–'``.
    """
    if not values:
        return '–'
    mean = statistics.fmean(values)
    if len(values) == 1:
        return f'{mean:.2f}'
    return f'{mean:.2f} ± {statistics.stdev(values):.2f}'


def row_seeds(row: dict) -> str:
    """The pre-training seeds of a row as text (``'0, 1, 2'``; ``'–'`` where not recorded)."""
    seeds = (row.get('pretrain') or {}).get('seeds')
    return ', '.join(str(s) for s in seeds) if seeds else '–'


def row_runs(row: dict) -> int:
    """The number of runs behind a row's cells (the longest of its protocols' value lists)."""
    return max((len(row[key]) for key, _ in PROTOCOL_COLUMNS if key in row), default=0)
