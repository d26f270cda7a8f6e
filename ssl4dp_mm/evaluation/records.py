"""Evaluation records: where they go, their columns, and the one (atomic) writer.

Every record is ``<work-dir>/<name>/<head>_<backbone>_<dataset>/<run>/seed<k>/eval_result.json``
with the keys ``results_table`` reads (``name, head, backbone, dataset, column, seed`` and a
score). ``<run>`` is

- for the trained protocols (:mod:`.trained`): ``lp``, ``ft100`` or ``ft<x>`` (FT-x%), the score
  under ``mIoU`` (columns FT-10% | LP-100% | FT-100%);
- for the frozen protocols (:mod:`.run`): ``<protocol>-<layer>``, the score under ``metric``
  (``mIoU``, or ``mAP`` for the image SVM): extra columns beside the trained ones. ``head`` and
  ``backbone`` name the segmentation setting the row belongs to (the model config's decoder and
  backbone), ``layer`` the map that was read.

:func:`save_record` writes every record: a reader sees the old file or the whole new one.
"""
import datetime
import os.path as osp
import re
from typing import Optional

from ..utils.atomic_files import write_json_atomic

RECORD_FILE = 'eval_result.json'
# a checkpoint argument that means random initialisation
NO_CHECKPOINT = ('none', 'random', 'random-init')

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
    """A folder name for a row label."""
    return re.sub(r'[^A-Za-z0-9_.+-]+', '_', name).strip('_') or 'unnamed'


def default_name(checkpoint: str) -> str:
    """Row label of a checkpoint: 'random init', or the pre-training work dir of
    ``work_dirs/<name>/iter_N.pth`` (also ``epoch_N``, ``latest``, ``last``, ``checkpoint``),
    else the file's stem."""
    if checkpoint.lower() in NO_CHECKPOINT:
        return 'random init'
    stem = osp.splitext(osp.basename(checkpoint))[0]
    if re.fullmatch(r'(iter|epoch)_\d+|latest|last|checkpoint', stem):
        return osp.basename(osp.dirname(osp.abspath(checkpoint))) or stem
    return stem


def trained_column(protocol: str, fraction: float) -> str:
    """The results-table column of a trained protocol; ``fraction``: FT-x%'s share of labels."""
    if protocol == 'lp':
        return 'LP-100%'
    return 'FT-100%' if protocol == 'ft100' else f'FT-{fraction * 100:g}%'


def trained_dir(protocol: str, fraction: float) -> str:
    """The folder of a trained protocol's runs: ``lp``, ``ft100`` or ``ft<x>`` (FT-x%)."""
    return f'ft{fraction * 100:g}' if protocol == 'ft10' else protocol


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
                    f'seed{seed}', RECORD_FILE)


def save_record(path: str, record: dict) -> None:
    """Write ``record`` to ``path`` as indented JSON, atomically (the writer of every record)."""
    write_json_atomic(path, record)


def write_record(path: str, result: dict, **fields) -> dict:
    """Write a frozen protocol's record: ``fields`` (name, head, ..., protocol, layer, seed) and
    the protocol's ``result``; the score goes under its metric key (and ``metric`` names it)."""
    metric = PROTOCOL_COLUMNS[fields['protocol']][1]
    if metric not in result:
        raise KeyError(f'the {fields["protocol"]} result has no {metric!r}')
    record = dict(fields, column=column_name(fields['protocol'], fields['layer'],
                                             result.get('over'), result.get('variant')),
                  metric=metric, **{k: v for k, v in result.items() if k not in fields},
                  created=datetime.datetime.now().isoformat())
    save_record(path, record)
    return record
