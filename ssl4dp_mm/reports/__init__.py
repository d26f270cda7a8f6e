"""Generated documentation: the per-method ``configs/selfsup/<method>/README.md`` pages and the
index of ``benchmarks/results/``, written by ``tools/gen_docs.py`` from the results files and the
config folders (never edited by hand)."""
from .descriptions import DESCRIPTIONS, Description
from .generate import generated_files, stale_files, write_files
from .method_readme import method_folders, method_readme
from .result_rows import RowFile, format_cell, load_row_files, row_method
from .results_index import results_index

__all__ = [
    'DESCRIPTIONS', 'Description', 'generated_files', 'stale_files', 'write_files',
    'method_folders', 'method_readme', 'RowFile', 'format_cell', 'load_row_files', 'row_method',
    'results_index'
]
