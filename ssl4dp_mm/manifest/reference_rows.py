"""The rows of the reference reports' VOC and Cityscapes tables: each row's pre-training config
(ResNet-50, continued from ImageNet MoCo v2), its label, where it trains, and the segmentation
leaves and heads that evaluate it.

A row is one (method, decoder, dataset); its id is ``<dataset>/<method>[-<decoder>]``
(``voc/plmoco-mocofcn``, ``cityscapes/mocodec``).
"""
import os.path as osp
from dataclasses import dataclass
from typing import List, Optional, Tuple

from .heads import HEADS
from .methods import METHODS, method_of
from .pretrain_parts import pretrain_iters, pretrain_stem
from .protocols import DATASETS, PROTOCOLS, leaf_config


@dataclass(frozen=True)
class ReferenceData:
    """What a reference dataset needs beside its :data:`DATASETS` entry.

    Args:
        title (str): the name the reference tables print.
        data_root (str): its root (``tools/evaluate.py --data-root``).
        pretrain_images (int): images of the pre-training list (one epoch).
    """

    title: str
    data_root: str
    pretrain_images: int


# the datasets of the reference tables (names of DATASETS)
REFERENCE_DATASETS = ('voc', 'cityscapes')
REFERENCE_DATA = {
    name: ReferenceData(title, DATASETS[name].data_root, DATASETS[name].pretrain_images)
    for name, title in (('voc', 'VOC 2012 aug'), ('cityscapes', 'Cityscapes'))
}
# backbones of the reference segmentation leaves (output stride 8 and 16)
REFERENCE_SEG_BACKBONES = ('r50b-d8', 'r50b-d16')
# the heads a row without decoder is evaluated with (FT-10% and FT-100% only: LP-100% would train
# the classifier on a random frozen decoder)
NODEC_EVAL_HEADS = ('mocofcn', 'psp', 'aspp')
NODEC_PROTOCOLS = ('ft10', 'ft100')
# training seeds of every evaluation
EVAL_SEEDS = (0, 1, 2)


def pretrain_config(method: str, decoder: Optional[str], dataset: str) -> str:
    """Path relative to ``configs/`` of one row's pre-training config.

    Args:
        method (str): a name of :data:`METHODS`.
        decoder (str, optional): a head name, or ``None`` for w/o dec.
        dataset (str): ``'voc'`` or ``'cityscapes'``.
    """
    return osp.join('selfsup', METHODS[method].folder,
                    pretrain_stem(method, decoder, dataset) + '.py')


def all_pretrain_rows() -> List[Tuple[str, Optional[str], str]]:
    """Every (method, decoder, dataset) row of the reference tables."""
    return [(m.name, d, ds) for ds in REFERENCE_DATASETS for m in METHODS.values()
            for d in m.decoders]


def seg_config(head: str, backbone: str, protocol: str, dataset: str) -> str:
    """Path relative to ``configs/`` of a reference segmentation leaf."""
    return leaf_config(head, protocol, dataset, backbone)


def all_seg_leaves() -> List[Tuple[str, str, str, str]]:
    """Every (head, backbone, protocol, dataset) leaf of the reference tables."""
    return [(h, b, p, ds) for ds in REFERENCE_DATASETS for h in HEADS
            for b in REFERENCE_SEG_BACKBONES for p in PROTOCOLS]


@dataclass(frozen=True)
class ReferenceRow:
    """One pre-training row and how it is evaluated.

    Args:
        method (str): a name of :data:`METHODS`.
        decoder (str, optional): its pre-training decoder, ``None`` for w/o dec.
        dataset (str): ``'voc'`` or ``'cityscapes'``.
    """

    method: str
    decoder: Optional[str]
    dataset: str

    @property
    def id(self) -> str:
        """``<dataset>/<method>[-<decoder>]``."""
        return f'{self.dataset}/{self.method}' + (f'-{self.decoder}' if self.decoder else '')

    @property
    def label(self) -> str:
        """The row's name in tables and ``--name`` (``'PLMoCo w/dec (MoCoFCN)'``)."""
        return METHODS[self.method].label(self.decoder)

    @property
    def reported(self) -> bool:
        """Whether it is a row of the reports' tables (else an addition of this project)."""
        return METHODS[self.method].is_report_row(self.decoder)

    @property
    def config(self) -> str:
        """Its pre-training config, relative to the repository root."""
        return osp.join('configs', pretrain_config(self.method, self.decoder, self.dataset))

    @property
    def iters(self) -> int:
        """Iterations of its pre-training (the last checkpoint is ``iter_<iters>.pth``)."""
        return pretrain_iters(self.method, self.dataset)

    @property
    def work_dir(self) -> str:
        """Where its pre-training writes."""
        stem = osp.splitext(osp.basename(self.config))[0]
        return osp.join('work_dirs', 'reference', DATASETS[self.dataset].suffix, stem)

    @property
    def checkpoint(self) -> str:
        """Its last pre-training checkpoint."""
        return osp.join(self.work_dir, f'iter_{self.iters}.pth')

    @property
    def eval_heads(self) -> Tuple[str, ...]:
        """The heads it is evaluated with: its own decoder's (so that LP-100% reads the
        pre-trained decoder), or :data:`NODEC_EVAL_HEADS` without decoder."""
        return (self.decoder, ) if self.decoder else NODEC_EVAL_HEADS

    @property
    def eval_protocols(self) -> Tuple[str, ...]:
        """Every protocol with a decoder; FT-10% and FT-100% without."""
        return tuple(PROTOCOLS) if self.decoder else NODEC_PROTOCOLS


def reference_rows(reported: Optional[bool] = None) -> List[ReferenceRow]:
    """The rows of :func:`all_pretrain_rows`, in its order.

    Args:
        reported (bool, optional): only the reports' rows (True), only this project's additions
            (False), or all (None). Defaults to None.
    """
    rows = [ReferenceRow(*r) for r in all_pretrain_rows()]
    return rows if reported is None else [r for r in rows if r.reported == reported]


def reference_row(row_id: str) -> ReferenceRow:
    """The row whose :attr:`ReferenceRow.id` is ``row_id``; a ``KeyError`` says what is wrong."""
    dataset, _, rest = row_id.partition('/')
    if dataset not in REFERENCE_DATASETS or not rest:
        raise KeyError(f'row {row_id!r}: expected <dataset>/<method>[-<decoder>] with dataset '
                       f'one of {", ".join(REFERENCE_DATASETS)}')
    method, _, decoder = rest.partition('-')
    try:
        found = method_of(method)
    except KeyError as err:
        raise KeyError(f'row {row_id!r}: {err.args[0]}') from None
    if (decoder or None) not in found.decoders:
        has = ', '.join(d or '(w/o dec)' for d in found.decoders)
        raise KeyError(f'row {row_id!r}: {method} has no reference config with decoder '
                       f'{decoder or "(w/o dec)"}; it has: {has}')
    return ReferenceRow(method, decoder or None, dataset)
