"""Gather evaluation records into the reference table layout: one table per head and dataset, rows
= pre-trainings, columns = FT-10% | LP-100% | FT-100%, cells = mean ± std of mIoU over seeds.

A record is the ``eval_result.json`` that ``tools/evaluate.py`` writes into each run folder
(``<work-dir>/<name>/<head>_<backbone>_<dataset>/<protocol>/seed<k>/``), or that
``tools/evaluate_frozen.py`` writes for a frozen-feature protocol (columns such as ``LP-convex
(decoder)``, right after LP-100%, then ``retrieval (...)``, ``kNN (...)``, ``K-means (...)``,
``K-means 2x (...)``, ``SVM mAP (...)`` after FT-100%). A record's score is under its ``metric`` key
(``mIoU`` when it has none; ``mAP`` for the image SVM).
"""
import csv
import glob
import io
import json
import os.path as osp
import warnings
from collections import OrderedDict
from typing import Dict, Iterable, List, Sequence, Tuple

from ..benchmarking.statistics import mean_std
from ..manifest import DATASETS, HEADS, PROTOCOLS

RECORD_NAME = 'eval_result.json'
REQUIRED = ('name', 'head', 'backbone', 'dataset', 'column', 'seed')
# frozen-feature columns (tools/evaluate_frozen.py), in this order after FT-100%
FROZEN_ORDER = ('retrieval', 'kNN', 'K-means', 'SVM mAP')
RANDOM_INIT = 'random init'
STANDARD_COLUMNS = tuple(PROTOCOLS.values())


def find_records(roots: Iterable[str]) -> List[dict]:
    """Read every ``eval_result.json`` below ``roots`` (files or folders).

    Raises:
        ValueError: If a record lacks one of the required keys, naming the file and the key.
    """
    records = []
    for root in roots:
        files = [root] if osp.isfile(root) else sorted(
            glob.glob(osp.join(root, '**', RECORD_NAME), recursive=True))
        for path in files:
            with open(path) as f:
                rec = json.load(f)
            missing = [k for k in REQUIRED + (rec.get('metric', 'mIoU'), ) if k not in rec]
            if missing:
                raise ValueError(f'{path}: evaluation record lacks {missing[0]!r}')
            rec['_path'] = path
            records.append(rec)
    return records


def deduplicate(records: Sequence[dict]) -> List[dict]:
    """Keep one record per (name, head, backbone, dataset, column, seed): the newest one."""
    latest: Dict[tuple, dict] = {}
    for rec in records:
        key = tuple(rec[k] for k in ('name', 'head', 'backbone', 'dataset', 'column', 'seed'))
        old = latest.get(key)
        if old is not None:
            warnings.warn(f'two records for {key}: {old["_path"]} and {rec["_path"]}; keeping the '
                          'newer one')
            if old.get('created', '') > rec.get('created', ''):
                continue
        latest[key] = rec
    return list(latest.values())


def score(rec: dict) -> float:
    """The record's score: the value of its ``metric`` key (``mIoU`` by default)."""
    return float(rec[rec.get('metric', 'mIoU')])


def column_order(column: str) -> Tuple[int, float, str]:
    """FT-x% columns first (by x), then LP-100% and the convex probe beside it, then FT-100%, as in
    the reference reports; the frozen-feature protocols after them (see ``FROZEN_ORDER``)."""
    if column.startswith('LP-convex'):
        return (1, 1.0, column)
    if column.startswith('LP'):
        return (1, 0.0, column)
    if column.startswith('FT-') and column.endswith('%'):
        pct = float(column[len('FT-'):-1])
        return (2, 0.0, column) if pct == 100 else (0, pct, column)
    title = column.split(' (')[0]
    for i, prefix in enumerate(FROZEN_ORDER):
        if title == prefix or title.startswith(prefix + ' '):
            over = title[len(prefix):].strip().rstrip('x')
            return (3 + i, float(over) if over else 1.0, column)
    return (3 + len(FROZEN_ORDER), 0.0, column)


def build_tables(records: Sequence[dict]) -> 'OrderedDict[tuple, dict]':
    """Group records into tables.

    Returns:
        OrderedDict: ``(head, backbone, dataset)`` -> dict with ``rows`` (names, random init first),
        ``columns`` and ``cells`` mapping ``(row, column)`` to ``dict(mean, std, n, seeds)``.
    """
    groups: Dict[tuple, List[dict]] = {}
    for rec in deduplicate(records):
        groups.setdefault((rec['head'], rec['backbone'], rec['dataset']), []).append(rec)
    tables = OrderedDict()
    for key in sorted(groups):
        recs = groups[key]
        names = sorted({r['name'] for r in recs}, key=lambda n: (n != RANDOM_INIT, n))
        # the reference layout always shows FT-10% | LP-100% | FT-100% (empty cells: '–')
        columns = sorted({r['column'] for r in recs} | set(STANDARD_COLUMNS), key=column_order)
        cells = {}
        for name in names:
            for col in columns:
                runs = sorted((r['seed'], score(r)) for r in recs
                              if r['name'] == name and r['column'] == col)
                if runs:
                    mean, std = mean_std([v for _, v in runs])
                    cells[(name, col)] = dict(mean=mean, std=std, n=len(runs),
                                              seeds=[s for s, _ in runs])
        tables[key] = dict(rows=names, columns=columns, cells=cells,
                           metrics=sorted({r.get('metric', 'mIoU') for r in recs}))
    return tables


def format_cell(cell: dict) -> str:
    if cell is None:
        return '–'
    if cell['n'] == 1:
        return f'{cell["mean"]:.2f}'
    return f'{cell["mean"]:.2f} ± {cell["std"]:.2f} (n={cell["n"]})'


def table_title(key: tuple, metrics: Sequence[str] = ('mIoU', )) -> str:
    head, backbone, dataset = key
    unit = 'val mIoU (%)' + ('; SVM columns: mAP (%)' if 'mAP' in metrics else '')
    return (f'{HEADS[head].title if head in HEADS else head}, {backbone}, '
            f'{DATASETS[dataset].title if dataset in DATASETS else dataset}: {unit}')


def render_markdown(tables: 'OrderedDict[tuple, dict]') -> str:
    """One Markdown table per (head, backbone, dataset)."""
    out = []
    for key, table in tables.items():
        out += [f'### {table_title(key, table.get("metrics", ("mIoU", )))}', '',
                '| pre-training | ' + ' | '.join(table['columns']) + ' |',
                '|---|' + '---|' * len(table['columns'])]
        for row in table['rows']:
            cells = [format_cell(table['cells'].get((row, c))) for c in table['columns']]
            out.append(f'| {row} | ' + ' | '.join(cells) + ' |')
        out.append('')
    out.append('Cells: mean ± sample standard deviation over n seeds (a single run shows its '
               'value).')
    return '\n'.join(out) + '\n'


def render_csv(tables: 'OrderedDict[tuple, dict]') -> str:
    """Long format: one line per (table, pre-training, column) with mean, std, n and the seeds."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator='\n')
    writer.writerow(['head', 'backbone', 'dataset', 'pretraining', 'protocol', 'mIoU_mean',
                     'mIoU_std', 'n', 'seeds'])
    for (head, backbone, dataset), table in tables.items():
        for row in table['rows']:
            for col in table['columns']:
                cell = table['cells'].get((row, col))
                if cell is not None:
                    writer.writerow([head, backbone, dataset, row, col, f'{cell["mean"]:.4f}',
                                     f'{cell["std"]:.4f}', cell['n'],
                                     ' '.join(str(s) for s in cell['seeds'])])
    return buf.getvalue()
