"""The run matrix, written once: segmentation heads, datasets and their protocol schedules, the
pre-training methods and how their configs are composed, the rows of the reference reports with
the commands that reproduce them.

Configs, ``tools/``, benchmarks, tests and docs read these tables; no other file repeats a head
name, an iteration tag or a row. :mod:`.compose` builds the config of any row from its parts.
"""
from .commands import (EVAL_WORK_DIR, by_hand_commands, evaluate_commands, row_commands,
                       table_command, train_command)
from .compose import (compose_pretrain_config, compose_seg_config, composed_pretrain_file,
                      composed_seg_file, pretrain_config_text, seg_config_text)
from .draft_rows import (DRAFT_ROWS, SEG_SCHEDULES, DraftRow, draft_checkpoint, draft_commands,
                         draft_row)
from .heads import HEADS, Head, head_of
from .methods import METHODS, REPORT_DECODERS, Method, method_of
from .pretrain_parts import (PRETRAIN_RECIPES, PretrainRecipe, pretrain_bases, pretrain_epochs,
                             pretrain_iters, pretrain_stem)
from .protocols import (DATASETS, PROTOCOLS, SegDataset, dataset_of, leaf_config, protocol_column,
                        protocol_iters, seg_bases)
from .reference_rows import (NODEC_EVAL_HEADS, REFERENCE_DATA, REFERENCE_DATASETS, ReferenceData,
                             ReferenceRow, all_pretrain_rows, all_seg_leaves, pretrain_config,
                             reference_row, reference_rows, seg_config)

__all__ = [
    'HEADS', 'Head', 'head_of', 'METHODS', 'Method', 'method_of', 'REPORT_DECODERS', 'DATASETS',
    'PROTOCOLS', 'SegDataset', 'dataset_of', 'leaf_config', 'protocol_column', 'protocol_iters',
    'seg_bases', 'PRETRAIN_RECIPES', 'PretrainRecipe', 'pretrain_bases', 'pretrain_stem',
    'REFERENCE_DATASETS', 'REFERENCE_DATA', 'ReferenceData', 'ReferenceRow', 'NODEC_EVAL_HEADS',
    'all_pretrain_rows', 'all_seg_leaves', 'pretrain_config', 'pretrain_epochs', 'pretrain_iters',
    'reference_row', 'reference_rows', 'seg_config', 'EVAL_WORK_DIR', 'train_command',
    'evaluate_commands', 'table_command', 'row_commands', 'by_hand_commands',
    'compose_seg_config', 'compose_pretrain_config', 'composed_seg_file',
    'composed_pretrain_file', 'seg_config_text', 'pretrain_config_text', 'DRAFT_ROWS',
    'SEG_SCHEDULES', 'DraftRow', 'draft_row', 'draft_checkpoint', 'draft_commands'
]
