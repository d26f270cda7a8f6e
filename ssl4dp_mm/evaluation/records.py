"""Evaluation records of the frozen-feature protocols, in the layout of ``tools/evaluate.py``.

A record is ``<work-dir>/<name>/<head>_<backbone>_<dataset>/<protocol>-<layer>/seed<k>/
eval_result.json`` with the keys ``results_table`` reads (``name, head, backbone, dataset, column,
seed`` and the score under ``metric``: ``mIoU``, or ``mAP`` for the image SVM), so frozen protocols
appear as extra columns beside FT-10% | LP-100% | FT-100%. ``head`` and ``backbone`` name the
segmentation setting the row belongs to (the model config's decoder and backbone), ``layer`` the
map that was read.
"""
import datetime
import os.path as osp
import re
from typing import Optional

from ..utils.atomic_files import write_json_atomic

# protocol -> (column title, metric); the layer is appended: "kNN (decoder)"
PROTOCOL_COLUMNS = {
    'lp-convex': ('LP-convex', 'mIoU'),
    'retrieval': ('retrieval', 'mIoU'),
    'knn': ('kNN', 'mIoU'),
    'kmeans': ('K-means', 'mIoU'),
    'svm': ('SVM mAP', 'mAP'),
    'hummingbird': ('Hummingbird', 'mIoU'),
    'lp-dinov2': ('LP-DINOv2', 'mIoU'),
}


def slug(name: str) -> str:
    """A folder name for a row label (as ``tools/evaluate.py`` makes it)."""
    return re.sub(r'[^A-Za-z0-9_.+-]+', '_', name).strip('_') or 'unnamed'


def column_name(protocol: str, layer: str, over: Optional[int] = None,
                variant: Optional[str] = None) -> str:
    """The results-table column of a protocol on a layer; ``over``: the K-means factor K / C;
    ``variant``: a setting named in the title (the DINOv2 probe's 'linear4+ms')."""
    if protocol not in PROTOCOL_COLUMNS:
        raise KeyError(f'unknown frozen protocol {protocol!r}; known: {sorted(PROTOCOL_COLUMNS)}')
    title = PROTOCOL_COLUMNS[protocol][0]
    if protocol == 'kmeans' and over and over != 1:
        title = f'{title} {over}x'
    if variant:
        title = f'{title} {variant}'
    return f'{title} ({layer})'


def record_path(work_dir: str, name: str, head: str, backbone: str, dataset: str, protocol: str,
                layer: str, seed: int, over: Optional[int] = None,
                variant: Optional[str] = None) -> str:
    tag = f'{protocol}{over}x' if protocol == 'kmeans' else protocol
    tag = f'{tag}-{variant}' if variant else tag
    return osp.join(work_dir, slug(name), f'{head}_{backbone}_{dataset}', f'{tag}-{layer}',
                    f'seed{seed}', 'eval_result.json')


def write_record(path: str, result: dict, **fields) -> dict:
    """Write ``fields`` (name, head, ..., protocol, layer, seed) and the protocol's ``result``;
    the score goes under its metric key (and ``metric`` names it)."""
    metric = PROTOCOL_COLUMNS[fields['protocol']][1]
    if metric not in result:
        raise KeyError(f'the {fields["protocol"]} result has no {metric!r}')
    record = dict(fields, column=column_name(fields['protocol'], fields['layer'],
                                             result.get('over'), result.get('variant')),
                  metric=metric, **{k: v for k, v in result.items() if k not in fields},
                  created=datetime.datetime.now().isoformat())
    write_json_atomic(path, record)
    return record
