"""The segmentation datasets and the schedules of the three trained protocols on each.

A leaf config is ``configs/seg/<head folder>/<head folder>_<backbone>_<protocol>-<tag>_<suffix>.py``
where the iteration tag of each protocol comes from :data:`DATASETS`.
"""
import os.path as osp
from dataclasses import dataclass
from typing import Dict

from .heads import head_of

# protocol -> the column it fills in result tables
PROTOCOLS: Dict[str, str] = {'ft10': 'FT-10%', 'lp': 'LP-100%', 'ft100': 'FT-100%'}


@dataclass(frozen=True)
class SegDataset:
    """A segmentation dataset of the run matrix.

    Args:
        name (str): the short name (``tools/evaluate.py --dataset``).
        suffix (str): the last tag of its config files.
        title (str): the name printed in tables.
        iters (dict): protocol -> the iteration tag of its leaf configs.
    """

    name: str
    suffix: str
    title: str
    iters: Dict[str, str]


DATASETS: Dict[str, SegDataset] = {
    d.name: d
    for d in (
        SegDataset('toy', 'toyscenes', 'toy scenes', dict(ft10='300i', lp='300i', ft100='300i')),
        SegDataset('camvid', 'camvid', 'CamVid', dict(ft10='2k', lp='1k', ft100='10k')),
        SegDataset('voc', 'voc12aug', 'PASCAL VOC 2012 aug', dict(ft10='5k', lp='3k', ft100='30k')),
        SegDataset('cityscapes', 'cityscapes', 'Cityscapes', dict(ft10='15k', lp='9k',
                                                                  ft100='90k')),
    )
}


def protocol_column(protocol: str) -> str:
    """The result column of a protocol (``'lp'`` -> ``'LP-100%'``)."""
    return PROTOCOLS[protocol]


def leaf_config(head: str, protocol: str, dataset: str, backbone: str = 'r18-d8') -> str:
    """Path relative to ``configs/`` of the leaf of a head, protocol, dataset and backbone.

    Args:
        head (str): a name of :data:`HEADS`.
        protocol (str): ``'ft10'``, ``'lp'`` or ``'ft100'``.
        dataset (str): a name of :data:`DATASETS`.
        backbone (str): the backbone tag of the leaf. Defaults to ``'r18-d8'``.
    """
    folder = head_of(head).folder
    if protocol not in PROTOCOLS:
        raise KeyError(f'unknown protocol {protocol!r}; known: {", ".join(PROTOCOLS)}')
    if dataset not in DATASETS:
        raise KeyError(f'unknown dataset {dataset!r}; known: {", ".join(DATASETS)}')
    ds = DATASETS[dataset]
    return osp.join('seg', folder, f'{folder}_{backbone}_{protocol}-{ds.iters[protocol]}_'
                    f'{ds.suffix}.py')


def protocol_iters(protocol: str, dataset: str) -> int:
    """The iterations of a protocol on a dataset, read from its tag (``'3k'`` -> 3000,
    ``'300i'`` -> 300)."""
    if dataset not in DATASETS:
        raise KeyError(f'unknown dataset {dataset!r}; known: {", ".join(DATASETS)}')
    tag = DATASETS[dataset].iters[protocol]
    if tag.endswith('k'):
        return int(tag[:-1]) * 1000
    if tag.endswith('i'):
        return int(tag[:-1])
    raise ValueError(f'iteration tag {tag!r} of {dataset}/{protocol}: expected <n>k or <n>i')
