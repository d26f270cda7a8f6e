"""kNN per-pixel classification on frozen features (as in dense SSL evaluations such as NeCo's
and Hummingbird's nearest-neighbour retrieval; DINO's weighted vote).

Every labelled feature cell of the train split is a memory-bank entry (its label: the majority class
of the pixels it covers); every cell of the query split votes with its ``k`` most cosine-similar
bank entries, each weighted ``exp(sim / temperature)``; the per-cell class votes are upsampled bilinearly
to the label map and arg-maxed (see :mod:`.dense_features`). Similarities are computed in blocks of
``query_chunk x bank_chunk`` with a running top-k, so memory stays bounded whatever the bank size.
"""
from typing import Dict, Optional

import numpy as np
import torch

from .dense_features import DenseFeatures, upsample_scores
from .metrics import confusion_matrix, scores_from_confusion


def knn_votes(query: np.ndarray,
              bank: np.ndarray,
              bank_labels: np.ndarray,
              num_classes: int,
              k: int = 20,
              temperature: float = 0.07,
              query_chunk: int = 2048,
              bank_chunk: int = 32768) -> np.ndarray:
    """Weighted class votes of the ``k`` nearest bank rows (dot product: pass unit rows for
    cosine similarity).

    Args:
        query (np.ndarray): QxC query features.
        bank (np.ndarray): BxC bank features.
        bank_labels (np.ndarray): B class indices (``0 .. num_classes - 1``).
        num_classes (int): Number of classes.
        k (int): Neighbours (at most B are used). Defaults to 20.
        temperature (float): Vote weight ``exp(sim / temperature)``. Defaults to 0.07.
        query_chunk (int): Queries per block. Defaults to 2048.
        bank_chunk (int): Bank rows per block. Defaults to 32768.

    Returns:
        np.ndarray: QxK float32 votes.
    """
    if bank.shape[0] == 0:
        raise ValueError('the kNN bank is empty (no labelled cell in the train split)')
    if query.shape[1] != bank.shape[1]:
        raise ValueError(f'query has {query.shape[1]} channels, bank {bank.shape[1]}')
    k = min(k, bank.shape[0])
    bank_t = torch.from_numpy(np.ascontiguousarray(bank, dtype=np.float32))
    labels_t = torch.from_numpy(bank_labels.astype(np.int64))
    out = np.zeros((query.shape[0], num_classes), np.float32)
    for q0 in range(0, query.shape[0], query_chunk):
        q = torch.from_numpy(np.ascontiguousarray(query[q0:q0 + query_chunk], dtype=np.float32))
        best_sim = torch.full((q.shape[0], k), -float('inf'))  # qxk running top-k
        best_idx = torch.zeros((q.shape[0], k), dtype=torch.long)
        for b0 in range(0, bank_t.shape[0], bank_chunk):
            sim = q @ bank_t[b0:b0 + bank_chunk].T  # qxb
            top_sim, top_idx = sim.topk(min(k, sim.shape[1]), dim=1)
            cand_sim = torch.cat([best_sim, top_sim], 1)
            cand_idx = torch.cat([best_idx, top_idx + b0], 1)
            best_sim, order = cand_sim.topk(k, dim=1)
            best_idx = cand_idx.gather(1, order)
        votes = torch.zeros(q.shape[0], num_classes)
        votes.scatter_add_(1, labels_t[best_idx], torch.exp(best_sim / temperature))
        out[q0:q0 + len(q)] = votes.numpy()
    return out


def knn_segmentation(train: DenseFeatures,
                     query: DenseFeatures,
                     k: int = 20,
                     temperature: float = 0.07,
                     max_bank: Optional[int] = None,
                     seed: int = 0,
                     query_chunk: int = 2048,
                     bank_chunk: int = 32768) -> Dict[str, object]:
    """kNN per-pixel classification of ``query`` with the labelled cells of ``train`` as bank.

    Args:
        train (DenseFeatures): Bank split.
        query (DenseFeatures): Scored split (same layer and classes).
        k (int): Neighbours. Defaults to 20.
        temperature (float): Vote temperature. Defaults to 0.07.
        max_bank (int, optional): Keep at most this many bank cells, drawn uniformly without
            replacement (seeded). Defaults to None (all).
        seed (int): Seed of that draw. Defaults to 0.
        query_chunk (int): See :func:`knn_votes`. Defaults to 2048.
        bank_chunk (int): See :func:`knn_votes`. Defaults to 32768.

    Returns:
        dict: ``mIoU``, ``aAcc``, ``IoU`` (%, over the query pixels) and ``bank_size``.
    """
    if train.class_names != query.class_names:
        raise ValueError('train and query splits have different classes')
    x, y, _ = train.cells()
    keep = np.flatnonzero(y >= 0)
    if max_bank is not None and len(keep) > max_bank:
        keep = np.sort(np.random.default_rng(seed).choice(keep, max_bank, replace=False))
    bank, bank_labels = x[keep], y[keep]
    qx, _, qidx = query.cells()
    votes = knn_votes(qx, bank, bank_labels, query.num_classes, k, temperature, query_chunk,
                      bank_chunk)
    conf = np.zeros((query.num_classes, query.num_classes), np.int64)
    for i in range(len(query)):
        h, w = query.feats[i].shape[1:]
        cell_votes = torch.from_numpy(votes[qidx == i].T.reshape(-1, h, w))  # KxHfxWf
        pred = upsample_scores(cell_votes, query.labels[i].shape).argmax(0).numpy()
        conf += confusion_matrix(pred, query.labels[i], query.num_classes, query.num_classes,
                                 query.ignore_index)
    return dict(scores_from_confusion(conf), bank_size=int(len(bank)), k=k,
                temperature=temperature)
