"""kNN per-pixel classification on frozen features (as in dense SSL evaluations such as NeCo's
and Hummingbird's nearest-neighbour retrieval; DINO's weighted vote).

Every labelled feature cell of the train split is a memory-bank entry (its label: the majority class
of the pixels it covers); every cell of the query split votes with its ``k`` most cosine-similar
bank entries, each weighted ``exp(sim / temperature)``; the per-cell class votes are upsampled
bilinearly to the label map and arg-maxed (see :mod:`.dense_features`). Similarities are computed
in blocks of ``query_chunk x bank_chunk`` with a running top-k, so memory stays bounded whatever the
bank size (:func:`chunked_topk`, shared with the Hummingbird retrieval of :mod:`.hummingbird`), on
the CPU or a GPU (``device``). kNN's bank is the train split's cells, majority-labelled; the
Hummingbird protocol's is augmented crops labelled with class distributions.
"""
from typing import Dict, Iterator, Optional, Tuple, Union

import numpy as np
import torch

from .dense_features import DenseFeatures, upsample_scores
from .metrics import confusion_matrix, scores_from_confusion


def as_rows(x, device: Union[str, torch.device] = 'cpu') -> torch.Tensor:
    """A float32 tensor of rows on ``device`` (from a NumPy array or a tensor)."""
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    return x.to(device=device, dtype=torch.float32)


def chunked_topk(query,
                 bank,
                 k: int,
                 query_chunk: int = 2048,
                 bank_chunk: int = 32768,
                 device: Union[str, torch.device] = 'cpu'
                 ) -> Iterator[Tuple[int, torch.Tensor, torch.Tensor]]:
    """The ``k`` largest dot products of every query row with the bank rows, exactly, in blocks
    of ``query_chunk x bank_chunk`` with a running top-k (pass unit rows for cosine similarity).

    Args:
        query (np.ndarray | torch.Tensor): QxC query rows.
        bank (np.ndarray | torch.Tensor): BxC bank rows.
        k (int): Neighbours (at most B are returned).
        query_chunk (int): Queries per block. Defaults to 2048.
        bank_chunk (int): Bank rows per block. Defaults to 32768.
        device (str | torch.device): Where the products are computed. Defaults to 'cpu'.

    Yields:
        tuple: ``(q0, sim, idx)`` per block of queries ``q0 .. q0 + q - 1``: ``q x min(k, B)``
        similarities (descending) and bank row indices, on ``device``.
    """
    if bank.shape[0] == 0:
        raise ValueError('the nearest-neighbour bank is empty')
    if query.shape[1] != bank.shape[1]:
        raise ValueError(f'query has {query.shape[1]} channels, bank {bank.shape[1]}')
    k = min(k, bank.shape[0])
    bank_t = as_rows(bank, device)  # BxC
    for q0 in range(0, query.shape[0], query_chunk):
        q = as_rows(query[q0:q0 + query_chunk], device)  # qxC
        best_sim = torch.full((q.shape[0], k), -float('inf'), device=device)  # qxk running top-k
        best_idx = torch.zeros((q.shape[0], k), dtype=torch.long, device=device)
        for b0 in range(0, bank_t.shape[0], bank_chunk):
            sim = q @ bank_t[b0:b0 + bank_chunk].T  # qxb
            top_sim, top_idx = sim.topk(min(k, sim.shape[1]), dim=1)
            cand_sim = torch.cat([best_sim, top_sim], 1)
            cand_idx = torch.cat([best_idx, top_idx + b0], 1)
            best_sim, order = cand_sim.topk(k, dim=1)
            best_idx = cand_idx.gather(1, order)
        yield q0, best_sim, best_idx


def knn_votes(query: np.ndarray,
              bank: np.ndarray,
              bank_labels: np.ndarray,
              num_classes: int,
              k: int = 20,
              temperature: float = 0.07,
              query_chunk: int = 2048,
              bank_chunk: int = 32768,
              device: Union[str, torch.device] = 'cpu') -> np.ndarray:
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
        device (str | torch.device): Where the search runs. Defaults to 'cpu'.

    Returns:
        np.ndarray: QxK float32 votes.
    """
    if bank.shape[0] == 0:
        raise ValueError('the kNN bank is empty (no labelled cell in the train split)')
    labels_t = torch.from_numpy(bank_labels.astype(np.int64)).to(device)
    out = np.zeros((query.shape[0], num_classes), np.float32)
    for q0, best_sim, best_idx in chunked_topk(query, bank, k, query_chunk, bank_chunk, device):
        votes = torch.zeros(best_sim.shape[0], num_classes, device=device)
        votes.scatter_add_(1, labels_t[best_idx], torch.exp(best_sim / temperature))
        out[q0:q0 + len(votes)] = votes.cpu().numpy()
    return out


def knn_segmentation(train: DenseFeatures,
                     query: DenseFeatures,
                     k: int = 20,
                     temperature: float = 0.07,
                     max_bank: Optional[int] = None,
                     seed: int = 0,
                     query_chunk: int = 2048,
                     bank_chunk: int = 32768,
                     device: Union[str, torch.device] = 'cpu') -> Dict[str, object]:
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
        device (str | torch.device): Where the search runs. Defaults to 'cpu'.

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
                      bank_chunk, device)
    conf = np.zeros((query.num_classes, query.num_classes), np.int64)
    for i in range(len(query)):
        h, w = query.feats[i].shape[1:]
        cell_votes = torch.from_numpy(votes[qidx == i].T.reshape(-1, h, w))  # KxHfxWf
        pred = upsample_scores(cell_votes, query.labels[i].shape).argmax(0).numpy()
        conf += confusion_matrix(pred, query.labels[i], query.num_classes, query.num_classes,
                                 query.ignore_index)
    return dict(scores_from_confusion(conf), bank_size=int(len(bank)), k=k,
                temperature=temperature)
