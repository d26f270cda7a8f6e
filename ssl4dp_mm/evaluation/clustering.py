"""Unsupervised segmentation by K-means on frozen features, matched to the classes (the protocol of
PiCIE, STEGO and Leopart; Leopart also over-clusters).

The L2-normalised feature cells of the split (a seeded sample of at most ``max_fit`` of them) are
clustered with scikit-learn's ``KMeans`` (``n_init`` seeded restarts); every cell is then scored by
its negative squared distance to each centroid, the scores are upsampled bilinearly to the label
map and arg-maxed (see :mod:`.dense_features`). The ``K x C`` confusion of clusters and classes over
all labelled pixels is matched: one-to-one by the Hungarian algorithm (``scipy``) when ``K = C``;
for over-clustering (``K > C``) each cluster goes to the class it overlaps most (Leopart's
many-to-one matching), since a one-to-one matching would leave K - C clusters unmatched. Matching
uses the labels of the split that was clustered, as in those papers (it is an evaluation of the
clusters, not a classifier).
"""
from typing import Dict, Optional

import numpy as np
import torch

from .dense_features import DenseFeatures, upsample_scores
from .metrics import (confusion_matrix, hungarian_match, majority_match, matched_confusion,
                      scores_from_confusion)


def fit_kmeans(x: np.ndarray, num_clusters: int, seed: int = 0, n_init: int = 3,
               max_iter: int = 300) -> np.ndarray:
    """``num_clusters x C`` centroids of the rows of ``x`` (scikit-learn ``KMeans``, seeded)."""
    from sklearn.cluster import KMeans
    if len(x) < num_clusters:
        raise ValueError(f'{len(x)} feature cells cannot make {num_clusters} clusters')
    km = KMeans(n_clusters=num_clusters, n_init=n_init, max_iter=max_iter, random_state=seed)
    km.fit(x.astype(np.float64))
    return km.cluster_centers_.astype(np.float32)


def cluster_confusion(split: DenseFeatures, centroids: np.ndarray) -> np.ndarray:
    """``K x C`` counts of (cluster, class) over the labelled pixels of ``split``, each pixel in the
    cluster of highest upsampled score ``-|x - mu|^2`` (x: unit cell features)."""
    mu = torch.from_numpy(centroids)
    mu_sq = (mu * mu).sum(1)  # K
    conf = np.zeros((len(centroids), split.num_classes), np.int64)
    for feat, label in zip(split.feats, split.labels):
        c, h, w = feat.shape
        x = torch.from_numpy(feat).reshape(c, -1).T  # (h*w)xC
        x = x / x.norm(dim=1, keepdim=True).clamp(min=1e-12)
        score = 2 * x @ mu.T - mu_sq - (x * x).sum(1, keepdim=True)  # (h*w)xK
        pred = upsample_scores(score.T.reshape(-1, h, w), label.shape).argmax(0).numpy()
        conf += confusion_matrix(pred, label, len(centroids), split.num_classes,
                                 split.ignore_index)
    return conf


def kmeans_segmentation(split: DenseFeatures,
                        num_clusters: Optional[int] = None,
                        seed: int = 0,
                        n_init: int = 3,
                        max_fit: Optional[int] = 50000) -> Dict[str, object]:
    """Cluster the cells of ``split``, match the clusters to its classes, score its pixels.

    Args:
        split (DenseFeatures): The split clustered and scored (the reference papers: val).
        num_clusters (int, optional): K. Defaults to None (the number of classes).
        seed (int): Seed of the cell sample and of K-means. Defaults to 0.
        n_init (int): K-means restarts. Defaults to 3.
        max_fit (int, optional): Fit on at most this many cells (seeded sample; all cells are
            scored). Defaults to 50000.

    Returns:
        dict: ``mIoU``, ``aAcc``, ``IoU`` (%), ``num_clusters``, ``matching`` ('hungarian' or
        'majority'), ``mapping`` (class per cluster).
    """
    k = num_clusters or split.num_classes
    if k < split.num_classes:
        raise ValueError(f'{k} clusters for {split.num_classes} classes: K must be >= #classes')
    x, _, _ = split.cells()
    rows = np.arange(len(x))
    if max_fit is not None and len(x) > max_fit:
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_fit, replace=False))
    centroids = fit_kmeans(x[rows], k, seed, n_init)
    conf = cluster_confusion(split, centroids)
    matching = 'hungarian' if k == split.num_classes else 'majority'
    mapping = hungarian_match(conf) if matching == 'hungarian' else majority_match(conf)
    return dict(scores_from_confusion(matched_confusion(conf, mapping)), num_clusters=k,
                matching=matching, mapping=mapping.tolist(), fit_cells=int(len(rows)))
