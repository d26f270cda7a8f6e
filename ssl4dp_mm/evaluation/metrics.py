"""Confusion matrices and the scores read from them, as MMSegmentation's ``IoUMetric`` computes
them, and the matching of clusters to classes.

mIoU is the mean over classes of ``TP / (TP + FP + FN)`` accumulated over all pixels of the split
(not per image); a class with an empty union (neither in the labels nor predicted) is left out of
the mean, as ``IoUMetric`` does with its NaN entries. Pixel accuracy is
``sum TP / #labelled pixels``. Matchings: one-to-one by matched pixels (:func:`hungarian_match`) or
by summed IoU (:func:`iou_match`, Leopart's and the open Hummingbird evaluation's rule), and
many-to-one by majority (:func:`majority_match`, the map of highest pixel accuracy).
"""
from typing import Dict

import numpy as np


def confusion_matrix(pred: np.ndarray, label: np.ndarray, num_pred: int, num_classes: int,
                     ignore_index: int = 255) -> np.ndarray:
    """Counts of (predicted, true) pairs over the labelled pixels.

    Args:
        pred (np.ndarray): Predicted ids, any shape, values in ``0 .. num_pred - 1``.
        label (np.ndarray): True classes, same shape, ``0 .. num_classes - 1`` or ``ignore_index``.
        num_pred (int): Number of predicted ids (classes, or clusters before matching).
        num_classes (int): Number of classes.
        ignore_index (int): Label of unlabelled pixels. Defaults to 255.

    Returns:
        np.ndarray: ``num_pred x num_classes`` int64; entry ``(p, c)`` counts pixels predicted ``p``
        whose label is ``c``.

    Raises:
        ValueError: If the shapes differ or a value is out of range.
    """
    if pred.shape != label.shape:
        raise ValueError(f'prediction {pred.shape} and label {label.shape} differ in shape')
    keep = label != ignore_index
    p, t = pred[keep].astype(np.int64).ravel(), label[keep].astype(np.int64).ravel()
    if p.size and (p.min() < 0 or p.max() >= num_pred):
        raise ValueError(f'predicted id {int(p.max() if p.max() >= num_pred else p.min())} '
                         f'outside [0, {num_pred})')
    if t.size and (t.min() < 0 or t.max() >= num_classes):
        raise ValueError(f'label {int(t.max())} is neither a class (< {num_classes}) nor the '
                         f'ignore index {ignore_index}')
    return np.bincount(p * num_classes + t, minlength=num_pred * num_classes).reshape(
        num_pred, num_classes)


def scores_from_confusion(conf: np.ndarray) -> Dict[str, object]:
    """mIoU, pixel accuracy and per-class IoU (in %) of a confusion matrix.

    Args:
        conf (np.ndarray): ``R x C`` with ``R >= C`` (rows: predicted, columns: true). Rows
            ``0 .. C - 1`` are the classes; rows beyond are predictions that stand for no class
            (e.g. clusters left unmatched), whose pixels are false negatives of their true class.

    Returns:
        dict: ``mIoU`` and ``aAcc`` (floats, %), ``IoU`` (list, % or None for a class with an
        empty union).
    """
    if conf.ndim != 2 or conf.shape[0] < conf.shape[1]:
        raise ValueError(f'expected an R x C confusion matrix with R >= C, got {conf.shape}')
    c = conf.shape[1]
    tp = np.diag(conf[:c]).astype(np.float64)
    union = conf.sum(0) + conf[:c].sum(1) - tp
    with np.errstate(invalid='ignore', divide='ignore'):
        iou = np.where(union > 0, tp / np.maximum(union, 1), np.nan)
    total = conf.sum()
    return dict(mIoU=float(100 * np.nanmean(iou)) if np.isfinite(iou).any() else 0.0,
                aAcc=float(100 * tp.sum() / total) if total else 0.0,
                IoU=[None if np.isnan(v) else float(100 * v) for v in iou])


def hungarian_match(conf: np.ndarray) -> np.ndarray:
    """One-to-one assignment of predicted ids to classes that maximises the matched pixels
    (``scipy.optimize.linear_sum_assignment``).

    Args:
        conf (np.ndarray): ``K x C`` confusion matrix (rows: clusters), ``K >= C``.

    Returns:
        np.ndarray: K class index per cluster; clusters left without a class (K > C) get -1.
    """
    from scipy.optimize import linear_sum_assignment
    k, c = conf.shape
    if k < c:
        raise ValueError(f'{k} clusters cannot be matched one-to-one to {c} classes')
    rows, cols = linear_sum_assignment(conf, maximize=True)
    mapping = np.full(k, -1, np.int64)
    mapping[rows] = cols
    return mapping


def iou_match(conf: np.ndarray) -> np.ndarray:
    """One-to-one assignment of predicted ids to classes that maximises the summed IoU of the
    matched pairs (the Hungarian matching of Leopart's and the open Hummingbird evaluation's
    ``PredsmIoU``; :func:`hungarian_match` maximises the matched pixels instead).

    Args:
        conf (np.ndarray): ``K x C`` confusion matrix (rows: predicted ids), ``K >= C``.

    Returns:
        np.ndarray: K class index per predicted id; ids left without a class get -1.
    """
    from scipy.optimize import linear_sum_assignment
    k, c = conf.shape
    if k < c:
        raise ValueError(f'{k} predicted ids cannot be matched one-to-one to {c} classes')
    conf = conf.astype(np.float64)
    union = conf.sum(1, keepdims=True) + conf.sum(0, keepdims=True) - conf  # KxC
    iou = np.where(union > 0, conf / np.maximum(union, 1e-12), 0.0)
    rows, cols = linear_sum_assignment(iou, maximize=True)
    mapping = np.full(k, -1, np.int64)
    mapping[rows] = cols
    return mapping


def majority_match(conf: np.ndarray) -> np.ndarray:
    """Many-to-one assignment for over-clustering: each cluster takes the class it overlaps most
    (Leopart's matching for K > C); a cluster without labelled pixels gets -1."""
    mapping = conf.argmax(1).astype(np.int64)
    mapping[conf.sum(1) == 0] = -1
    return mapping


def matched_confusion(conf: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """Merge the rows of a ``K x C`` cluster confusion by ``mapping`` (cluster -> class).

    Returns:
        np.ndarray: ``(C + 1) x C``: row ``c`` sums the clusters matched to class ``c``; the last
        row the clusters matched to none (mapping -1), false negatives of their true class (see
        :func:`scores_from_confusion`).
    """
    k, c = conf.shape
    if len(mapping) != k:
        raise ValueError(f'mapping has {len(mapping)} entries for {k} clusters')
    out = np.zeros((c + 1, c), np.int64)
    np.add.at(out, np.where(mapping >= 0, mapping, c), conf)
    return out
