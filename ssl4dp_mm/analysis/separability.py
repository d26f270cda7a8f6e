"""Linear separability of pixel features: a linear SVM trained on some images, tested on others.

The classifier is scikit-learn's ``LinearSVC`` (one-vs-rest, squared hinge loss) on standardised
features (mean and variance fitted on the training pixels only). Because pixels are sampled
class-balanced, the accuracy is close to the mean per-class accuracy, and chance is 1 / #classes.
"""
import csv
import os
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence

import numpy as np

MISSING = '-'  # a layer the model does not have


def linear_svm_accuracy(train_x: np.ndarray,
                        train_y: np.ndarray,
                        test_x: np.ndarray,
                        test_y: np.ndarray,
                        C: float = 1.0,
                        max_iter: int = 5000,
                        seed: int = 0) -> float:
    """Fit a linear SVM on the training pixels and return its accuracy on the test pixels.

    Args:
        train_x (np.ndarray): NxC training features.
        train_y (np.ndarray): N training labels.
        test_x (np.ndarray): MxC test features.
        test_y (np.ndarray): M test labels.
        C (float): Inverse regularisation strength. Defaults to 1.0.
        max_iter (int): Solver iterations. Defaults to 5000.
        seed (int): Seed of the solver's coordinate order. Defaults to 0.

    Returns:
        float: Fraction of test pixels classified correctly, in [0, 1].

    Raises:
        ValueError: If shapes disagree or the training pixels hold fewer than two classes.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC
    if train_x.ndim != 2 or test_x.ndim != 2 or train_x.shape[1] != test_x.shape[1]:
        raise ValueError(f'features must be NxC with the same C: train {train_x.shape}, '
                         f'test {test_x.shape}')
    if len(train_x) != len(train_y) or len(test_x) != len(test_y):
        raise ValueError('features and labels differ in length')
    if len(np.unique(train_y)) < 2:
        raise ValueError('the training pixels hold fewer than two classes')
    clf = make_pipeline(StandardScaler(), LinearSVC(C=C, max_iter=max_iter, random_state=seed))
    with warnings.catch_warnings():  # an unconverged solver still gives a valid linear classifier
        warnings.simplefilter('ignore', ConvergenceWarning)
        clf.fit(train_x, train_y)
    return float((clf.predict(test_x) == test_y).mean())


def format_markdown(table: Dict[str, Dict[str, Optional[float]]], layers: Sequence[str],
                    percent: bool = True) -> str:
    """A Markdown table: one row per checkpoint, one column per layer.

    Args:
        table (dict): ``row name -> {layer: accuracy in [0, 1] or None}``.
        layers (Sequence[str]): Column order.
        percent (bool): Show accuracies in percent with one decimal. Defaults to True.
    """
    lines = ['| checkpoint | ' + ' | '.join(layers) + ' |',
             '|---|' + '---:|' * len(layers)]
    for name, row in table.items():
        cells = [_cell(row.get(layer), percent) for layer in layers]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def write_csv(path: str, table: Dict[str, Dict[str, Optional[float]]],
              layers: Sequence[str]) -> str:
    """Write the table as CSV (accuracies in [0, 1], empty cell for a missing layer)."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['checkpoint', *layers])
        for name, row in table.items():
            writer.writerow([name] + ['' if row.get(layer) is None else f'{row[layer]:.6f}'
                                      for layer in layers])
    return path


def read_csv(path: str) -> Dict[str, Dict[str, Optional[float]]]:
    """Read a table written by :func:`write_csv`."""
    with open(path, newline='') as f:
        rows: List[List[str]] = list(csv.reader(f))
    layers = rows[0][1:]
    return {r[0]: {layer: (float(v) if v else None) for layer, v in zip(layers, r[1:])}
            for r in rows[1:]}


def _cell(value: Optional[float], percent: bool) -> str:
    if value is None:
        return MISSING
    return f'{100 * value:.1f}' if percent else f'{value:.3f}'
