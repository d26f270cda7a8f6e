"""Semantic segment retrieval on frozen features, as in MaskContrast (Van Gansbeke et al., ICCV
2021, https://arxiv.org/abs/2102.06191) and "Revisiting Contrastive Methods for Unsupervised
Learning of Visual Representations" (NeurIPS 2021, https://arxiv.org/abs/2106.05967).

A segment is the region of one class in one image's ground truth; its feature is the mean of the
(bilinearly upsampled) feature map over its pixels, L2-normalised. Every segment of the query split
takes the class of its nearest train segment by cosine similarity (``k=1``, as the reference code
``retrieval_utils.py``; with ``k > 1`` the majority of the k nearest, ties to the more similar sum)
and passes it to all its pixels; mIoU over the query pixels. The segments come from the query's own
ground truth, so this measures how well a segment's *feature* names its class, not how well the
model finds segments.
"""
from typing import Dict, Tuple

import numpy as np
import torch

from .dense_features import DenseFeatures, segment_means
from .metrics import scores_from_confusion


def split_segments(split: DenseFeatures) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit segment features ``S x C``, their classes ``S`` and pixel counts ``S`` of a split."""
    feats, classes, areas = [], [], []
    for feat, label in zip(split.feats, split.labels):
        f, c, a = segment_means(feat, label, split.ignore_index)
        feats.append(f)
        classes.append(c)
        areas.append(a)
    x = np.concatenate(feats)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return x, np.concatenate(classes), np.concatenate(areas)


def retrieve_classes(query: np.ndarray, bank: np.ndarray, bank_labels: np.ndarray,
                     num_classes: int, k: int = 1) -> np.ndarray:
    """Class of each query row: majority of its ``k`` most similar bank rows (dot product), ties
    broken by the larger summed similarity."""
    if len(bank) == 0:
        raise ValueError('no train segment to retrieve from')
    k = min(k, len(bank))
    sim = torch.from_numpy(np.asarray(query, np.float32)) @ torch.from_numpy(
        np.asarray(bank, np.float32)).T  # QxB
    top_sim, top_idx = sim.topk(k, dim=1)
    labels = torch.from_numpy(bank_labels.astype(np.int64))[top_idx]  # Qxk
    counts = torch.zeros(len(query), num_classes).scatter_add_(1, labels, torch.ones_like(top_sim))
    sims = torch.zeros(len(query), num_classes).scatter_add_(1, labels, top_sim.float())
    # counts are integers <= k, |sims| <= k: counts dominate, the similarity breaks ties
    return (counts * (2 * k + 1) + sims).argmax(1).numpy()


def segment_retrieval(train: DenseFeatures, query: DenseFeatures, k: int = 1) -> Dict[str, object]:
    """Segment retrieval mIoU of ``query`` against the segments of ``train``.

    Args:
        train (DenseFeatures): Split whose ground-truth segments are retrieved.
        query (DenseFeatures): Scored split.
        k (int): Neighbours that vote. Defaults to 1.

    Returns:
        dict: ``mIoU``, ``aAcc``, ``IoU`` (%, over the query pixels), ``num_train_segments``,
        ``num_query_segments``, ``segment_accuracy`` (% of query segments named right).
    """
    if train.class_names != query.class_names:
        raise ValueError('train and query splits have different classes')
    bank, bank_labels, _ = split_segments(train)
    qx, qlabels, qarea = split_segments(query)
    pred = retrieve_classes(qx, bank, bank_labels, query.num_classes, k)
    c = query.num_classes
    conf = np.bincount(pred * c + qlabels, weights=qarea, minlength=c * c).reshape(c, c)
    return dict(scores_from_confusion(conf.astype(np.int64)), k=k,
                num_train_segments=int(len(bank)), num_query_segments=int(len(qx)),
                segment_accuracy=float(100 * (pred == qlabels).mean()))
