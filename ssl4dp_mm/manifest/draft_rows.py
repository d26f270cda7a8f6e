"""The draft report's rows on VOC 2012 aug: its segmentation schedules (FT-100% for 30k iterations
with a linear, step, cosine or poly decay, per head; random init for MMSeg's 160k poly schedule)
and its starting points (ImageNet MoCo v2 of 200 epochs besides the 800-epoch one; PLMoCo for 50
and 200 VOC epochs).

A row is a checkpoint (``none``, a public MoCo v2 file, or a pre-training composed by
:func:`.compose.pretrain_config_text` with its epochs and start) evaluated by FT-100% with each
head of :data:`DRAFT_HEADS` under each of its schedules. The leaf of a head and schedule is the
FT-100% leaf with the schedule base swapped (:func:`decay_bases`); ``cosine`` is the reference
schedule itself.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .heads import HEADS, head_of
from .pretrain_parts import pretrain_stem
from .protocols import dataset_of, protocol_piece_bases

# the protocol and dataset the draft schedules are written for
DRAFT_PROTOCOL = 'ft100'
DRAFT_DATASET = 'voc'


def _protocol_schedule() -> str:
    """The schedule base of the draft protocol's own piece (its cosine decay)."""
    bases = protocol_piece_bases(DRAFT_PROTOCOL, DRAFT_DATASET)
    return next(b for b in bases if b.startswith('schedules/'))[len('schedules/'):]


# decay -> the schedule base (configs/_base_/schedules/) of FT-100% on VOC 2012 aug; all start at
# the protocol's lr (0.003) and end at its cosine's 3e-4, except MMSeg's 160k poly (0.01 -> 1e-4);
# the cosine is the protocol's own schedule
SEG_SCHEDULES: Dict[str, str] = {
    'cosine': _protocol_schedule(),
    'linear': 'seg_ft100-30k_voc_linear.py',
    'step': 'seg_ft100-30k_voc_step.py',
    'poly': 'seg_ft100-30k_voc_poly.py',
    'poly-160k': 'seg_ft100-160k_voc_poly.py',
}
DECAYS = ('linear', 'step', 'cosine', 'poly')
DRAFT_BACKBONE = 'r50b-d8'
DRAFT_HEADS = tuple(HEADS)
# the public ImageNet MoCo v2 checkpoints the rows start from (local files, see docs/reproduce.md)
MOCOV2_CHECKPOINTS = {
    'mocov2': 'checkpoints/moco_v2_800ep_pretrain.pth.tar',
    'mocov2-200e': 'checkpoints/moco_v2_200ep_pretrain.pth.tar',
}
DRAFT_WORK_DIR = 'work_dirs/draft'


@dataclass(frozen=True)
class DraftRow:
    """A row of the draft report.

    Args:
        name (str): its id after ``draft/``.
        label (str): the name tables print.
        decays (tuple): the schedules of :data:`SEG_SCHEDULES` it is evaluated with.
        checkpoint (str, optional): the checkpoint evaluated as it is (``'none'``: random
            init); None when the row pre-trains. Defaults to None.
        pretrain (tuple, optional): (method, decoder, epochs, start) of its pre-training on VOC
            2012 aug. Defaults to None.
    """

    name: str
    label: str
    decays: Tuple[str, ...]
    checkpoint: Optional[str] = None
    pretrain: Optional[Tuple[str, Optional[str], int, str]] = None

    @property
    def id(self) -> str:
        return f'draft/{self.name}'


DRAFT_ROWS: Tuple[DraftRow, ...] = (
    DraftRow('random-160k', 'Random init (160k poly)', ('poly-160k', ), checkpoint='none'),
    DraftRow('mocov2-200e', 'MoCo v2 200 epochs (ImageNet)', DECAYS,
             checkpoint=MOCOV2_CHECKPOINTS['mocov2-200e']),
    DraftRow('mocov2-800e', 'MoCo v2 800 epochs (ImageNet)', DECAYS,
             checkpoint=MOCOV2_CHECKPOINTS['mocov2']),
    DraftRow('plmoco-mocofcn-20e-from-200e', 'PLMoCo w/dec 20 ep from MoCo v2 200 ep', DECAYS,
             pretrain=('plmoco', 'mocofcn', 20, 'mocov2-200e')),
    DraftRow('plmoco-mocofcn-50e', 'PLMoCo w/dec 50 ep', DECAYS,
             pretrain=('plmoco', 'mocofcn', 50, 'mocov2')),
    DraftRow('plmoco-mocofcn-200e', 'PLMoCo w/dec 200 ep', DECAYS,
             pretrain=('plmoco', 'mocofcn', 200, 'mocov2')),
)


def draft_row(row_id: str) -> DraftRow:
    """The draft row ``row_id`` (``draft/<name>``); a ``KeyError`` lists them otherwise."""
    for row in DRAFT_ROWS:
        if row.id == row_id:
            return row
    raise KeyError(f'unknown draft row {row_id!r}; known: {", ".join(r.id for r in DRAFT_ROWS)}')


def decay_bases(head: str, protocol: str, dataset: str, backbone: str, decay: str) -> List[str]:
    """The ``_base_`` list (relative to ``configs/_base_/``) of the FT-100% leaf of a head on
    VOC 2012 aug with the draft schedule ``decay``: the model, then the protocol piece's bases
    (:func:`.protocols.protocol_piece_bases`) with its schedule swapped.

    Raises:
        KeyError: a protocol or dataset the draft schedules are not written for, or an unknown
            decay.
    """
    head_of(head)
    if (protocol, dataset) != (DRAFT_PROTOCOL, DRAFT_DATASET):
        raise KeyError(f'the draft schedules are FT-100% on VOC 2012 aug ({DRAFT_PROTOCOL}, '
                       f'{DRAFT_DATASET}), not {protocol} on {dataset}')
    if decay not in SEG_SCHEDULES:
        raise KeyError(f'unknown decay {decay!r}; known: {", ".join(SEG_SCHEDULES)}')
    folder = head_of(head).folder
    bases = [f'schedules/{SEG_SCHEDULES[decay]}' if b.startswith('schedules/') else b
             for b in protocol_piece_bases(protocol, dataset)]
    return [f'models/{folder}_{backbone}_seg.py', *bases]


def draft_checkpoint(row: DraftRow) -> str:
    """The checkpoint a row evaluates: its own, or its pre-training's last one."""
    if row.pretrain is None:
        return row.checkpoint
    method, decoder, epochs, start = row.pretrain
    stem = pretrain_stem(method, decoder, DRAFT_DATASET, epochs, start)
    return f'{DRAFT_WORK_DIR}/{stem}/epoch_{epochs}.pth'


def draft_commands(row: DraftRow, seeds: Sequence[int] = (0, 1, 2)) -> List[str]:
    """The command lines of a row, from the repository root: compose and run its pre-training
    (if any), then for every head and schedule compose the leaf and evaluate the checkpoint.

    Args:
        row (DraftRow): the row.
        seeds (sequence): the evaluation seeds. Defaults to (0, 1, 2).
    """
    commands = []
    if row.pretrain is not None:
        method, decoder, epochs, start = row.pretrain
        stem = pretrain_stem(method, decoder, DRAFT_DATASET, epochs, start)
        config = f'{DRAFT_WORK_DIR}/{stem}.py'
        commands += [
            f'python tools/reproduce.py --pretrain {method} {decoder or "none"} {DRAFT_DATASET}'
            f' --epochs {epochs} --start {start} --write-config {config}',
            f'python tools/train.py {config} --work-dir {DRAFT_WORK_DIR}/{stem}'
        ]
    leaf = f'{DRAFT_WORK_DIR}/seg/${{head}}_{DRAFT_PROTOCOL}-${{decay}}.py'
    data_root = dataset_of(DRAFT_DATASET).data_root
    commands.append(
        f'for head in {" ".join(DRAFT_HEADS)}; do for decay in {" ".join(row.decays)}; do\n'
        f'  python tools/reproduce.py --seg $head {DRAFT_PROTOCOL} {DRAFT_DATASET} '
        f'--backbone {DRAFT_BACKBONE} --decay $decay --write-config {leaf}\n'
        f'  python tools/evaluate.py {draft_checkpoint(row)} --name "{row.label}, $decay decay" '
        f'--head $head --backbone {DRAFT_BACKBONE} --dataset {DRAFT_DATASET} '
        f'--protocol {DRAFT_PROTOCOL} --seeds {" ".join(str(s) for s in seeds)} --config {leaf} '
        f'--data-root {data_root} --work-dir {DRAFT_WORK_DIR}/eval\n'
        'done; done')
    commands.append(f'python tools/analysis/results_table.py {DRAFT_WORK_DIR}/eval')
    return commands
