"""The command lines that reproduce a reference row: pre-train, evaluate with each of its heads,
gather the table. ``tools/reproduce.py`` prints them and ``docs/reproduce.md`` shows them."""
import os.path as osp
from typing import List

from .protocols import protocol_iters
from .reference_rows import (EVAL_SEEDS, REFERENCE_DATA, REFERENCE_SEG_BACKBONES, ReferenceRow,
                             seg_config)

# where tools/evaluate.py writes its records, and results_table reads them
EVAL_WORK_DIR = 'work_dirs/reference/eval'
# continuation of a command line
NEXT = ' \\\n    '


def train_command(row: ReferenceRow) -> str:
    """``tools/train.py`` of the row's pre-training config into :attr:`ReferenceRow.work_dir`."""
    return f'python tools/train.py {row.config}{NEXT}--work-dir {row.work_dir}'


def evaluate_commands(row: ReferenceRow) -> List[str]:
    """One ``tools/evaluate.py`` per eval head of the row, on its last checkpoint."""
    seeds = ' '.join(str(s) for s in EVAL_SEEDS)
    return [f'python tools/evaluate.py {row.checkpoint} --name "{row.label}"{NEXT}'
            f'--head {head} --backbone {REFERENCE_SEG_BACKBONES[0]} --dataset {row.dataset} '
            f'--protocol {" ".join(row.eval_protocols)} --seeds {seeds}{NEXT}'
            f'--data-root {REFERENCE_DATA[row.dataset].data_root} --work-dir {EVAL_WORK_DIR}'
            for head in row.eval_heads]


def table_command() -> str:
    """``tools/analysis/results_table.py`` over every evaluation record."""
    return f'python tools/analysis/results_table.py {EVAL_WORK_DIR}'


def row_commands(row: ReferenceRow) -> List[str]:
    """Pre-training, every evaluation, then the table: what reproduces the row."""
    return [train_command(row)] + evaluate_commands(row) + [table_command()]


def by_hand_commands(row: ReferenceRow, protocol: str) -> List[str]:
    """What ``tools/evaluate.py`` runs for one protocol and seed of the row's first head: write
    the leaf composed from the manifest, convert, train the leaf from the converted checkpoint,
    test its last checkpoint."""
    head, backbone = row.eval_heads[0], REFERENCE_SEG_BACKBONES[0]
    work = f'work_dirs/{protocol}'
    leaf = osp.join(work, osp.basename(seg_config(head, backbone, protocol, row.dataset)))
    iters = protocol_iters(protocol, row.dataset)
    return [f'python tools/reproduce.py --seg {head} {protocol} {row.dataset} '
            f'--backbone {backbone}{NEXT}--write-config {leaf}',
            f'python tools/convert_checkpoint.py {row.checkpoint} mmseg.pth{NEXT}'
            f'--seg-config {leaf}',
            f'python tools/train.py {leaf} --work-dir {work}{NEXT}'
            '--cfg-options load_from=mmseg.pth',
            f'python tools/test.py {leaf} {work}/iter_{iters}.pth']
