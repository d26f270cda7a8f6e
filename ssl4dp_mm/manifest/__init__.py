"""The run matrix, written once: segmentation heads, datasets and their protocol schedules, the
pre-training methods and the rows of the reference reports with the commands that reproduce them.

Configs, ``tools/``, benchmarks, tests and docs read these tables; no other file repeats a head
name, an iteration tag or a row.
"""
from .commands import (EVAL_WORK_DIR, by_hand_commands, evaluate_commands, row_commands,
                       table_command, train_command)
from .heads import HEADS, Head, head_of
from .methods import METHODS, REPORT_DECODERS, Method, method_of
from .protocols import DATASETS, PROTOCOLS, SegDataset, leaf_config, protocol_column, protocol_iters
from .reference_rows import (NODEC_EVAL_HEADS, REFERENCE_DATA, REFERENCE_DATASETS, ReferenceData,
                             ReferenceRow, all_pretrain_rows, all_seg_leaves, pretrain_config,
                             pretrain_epochs, pretrain_iters, reference_row, reference_rows,
                             seg_config)

__all__ = [
    'HEADS', 'Head', 'head_of', 'METHODS', 'Method', 'method_of', 'REPORT_DECODERS', 'DATASETS',
    'PROTOCOLS', 'SegDataset', 'leaf_config', 'protocol_column', 'protocol_iters',
    'REFERENCE_DATASETS', 'REFERENCE_DATA', 'ReferenceData', 'ReferenceRow', 'NODEC_EVAL_HEADS',
    'all_pretrain_rows', 'all_seg_leaves', 'pretrain_config', 'pretrain_epochs', 'pretrain_iters',
    'reference_row', 'reference_rows', 'seg_config', 'EVAL_WORK_DIR', 'train_command',
    'evaluate_commands', 'table_command', 'row_commands', 'by_hand_commands'
]
