"""Every generated documentation file, and the check that the committed copies are current."""
import os.path as osp
from typing import Dict, List

from .method_readme import method_folders, method_readme
from .result_rows import load_row_files
from .results_index import results_index


def generated_files(root: str) -> Dict[str, str]:
    """Every generated file of the repository and its text.

    Args:
        root (str): the repository root.

    Returns:
        dict: path relative to ``root`` -> text.
    """
    files = load_row_files(root)
    out = {'benchmarks/results/README.md': results_index(root)}
    for folder in method_folders(root):
        out[f'configs/selfsup/{folder}/README.md'] = method_readme(root, folder, files)
    return out


def stale_files(root: str) -> List[str]:
    """The generated files whose committed copy is missing or differs from a fresh generation.

    Args:
        root (str): the repository root.
    """
    stale = []
    for rel, text in generated_files(root).items():
        path = osp.join(root, rel)
        if not osp.exists(path) or open(path, encoding='utf-8').read() != text:
            stale.append(rel)
    return stale


def write_files(root: str) -> List[str]:
    """Write every generated file; returns the paths (relative to ``root``) that changed.

    Args:
        root (str): the repository root.
    """
    changed = stale_files(root)
    for rel, text in generated_files(root).items():
        if rel in changed:
            with open(osp.join(root, rel), 'w', encoding='utf-8') as f:
                f.write(text)
    return changed
