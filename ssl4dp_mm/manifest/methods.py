"""The pre-training methods of the reference reports: config folder, the decoders each has a
config for (``None``: without decoder), the name tables print and whether the reports have it."""
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from .heads import head_of

# the pre-training decoders of the methods that take any (every head)
DECODERS = ('mocofcn', 'psp', 'aspp', 'dlv3p', 'nl', 'psp256')
# the decoders the region- and image-level methods also have, beside MoCoFCN
NEW_DECODERS = ('dlv3p', 'nl', 'psp256')
# the decoders of the reports' tables; the rows with the others are this project's additions
REPORT_DECODERS = ('mocofcn', 'psp', 'aspp')


@dataclass(frozen=True)
class Method:
    """A pre-training method of the run matrix.

    Args:
        name (str): the method tag of its config files.
        folder (str): its folder under ``configs/selfsup/``.
        decoders (tuple): the decoders it has a reference config for; ``None`` = w/o dec.
        title (str): the name tables print (``'PLMoCo'``).
        nodec_label (str, optional): the label of its w/o dec row when it is not
            ``'<title> w/o dec'``. Defaults to None.
        reported (bool): whether its rows are rows of the reports' tables (with
            :data:`REPORT_DECODERS` or none); otherwise an addition of this project.
            Defaults to True.
    """

    name: str
    folder: str
    decoders: Tuple[Optional[str], ...]
    title: str
    nodec_label: Optional[str] = None
    reported: bool = True

    def label(self, decoder: Optional[str]) -> str:
        """The row label with ``decoder`` (``'PLMoCo w/dec (MoCoFCN)'``, ``'PLMoCo w/o dec'``)."""
        if decoder is None:
            return self.nodec_label or f'{self.title} w/o dec'
        return f'{self.title} w/dec ({head_of(decoder).title})'

    def is_report_row(self, decoder: Optional[str]) -> bool:
        """Whether the row with ``decoder`` is a row of the reports' tables."""
        return self.reported and (decoder is None or decoder in REPORT_DECODERS)


METHODS: Dict[str, Method] = {
    m.name: m
    for m in (
        Method('mocodec', 'mocodec', (None, ) + DECODERS, 'MoCo',
               nodec_label='MoCo (image level, no decoder)'),  # "MoCo" and "MoCo w/dec"
        Method('plmoco', 'plmoco', (None, ) + DECODERS, 'PLMoCo'),
        Method('plmocoplus', 'plmocoplus', (None, ) + DECODERS, 'PLMoCo+'),
        Method('plsiam', 'plsiam', DECODERS, 'PLSiam'),
        Method('p2vec', 'p2vec', DECODERS, 'P2Vec'),
        Method('prcl', 'prcl', DECODERS, 'PRCL'),
        Method('plr', 'plr', DECODERS, 'Patch rotation'),  # patch-level rotation prediction
        # MoCo w/dec and PLMoCo w/dec with the encoder at 1/100 of the lr: lr_mult ablations,
        # their configs beside the method's own
        Method('edmoco', 'mocodec', ('mocofcn', ), 'EDMoCo', reported=False),
        Method('pledmoco', 'plmoco', ('mocofcn', ), 'PLEDMoCo', reported=False),
        Method('rlmoco', 'rlmoco', (None, 'mocofcn') + NEW_DECODERS, 'RLMoCo'),
        Method('detcons', 'detcon', (None, 'mocofcn') + NEW_DECODERS, 'DetCon-S'),
        Method('detconb', 'detcon', (None, 'mocofcn') + NEW_DECODERS, 'DetCon-B'),
        Method('exemplarv2', 'exemplar_v2', (None, 'mocofcn') + NEW_DECODERS, 'Exemplar-v2'),
        Method('mocomc', 'mocomc', (None, 'mocofcn') + NEW_DECODERS,
               'MoCo + multi-crop/AutoAugment/kNN'),
        # MMSelfSup's own, for comparison
        Method('mocov2', 'mocov2', (None, ), 'MoCo v2 (MMSelfSup)',
               nodec_label='MoCo v2 (MMSelfSup)'),
        Method('densecl', 'densecl', (None, ), 'DenseCL (MMSelfSup)',
               nodec_label='DenseCL (MMSelfSup)'),
    )
}


def method_of(name: str) -> Method:
    """The method called ``name``; a ``KeyError`` names the known ones otherwise."""
    try:
        return METHODS[name]
    except KeyError:
        raise KeyError(f'unknown method {name!r}; known: {", ".join(METHODS)}') from None
