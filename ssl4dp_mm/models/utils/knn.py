"""Nearest neighbours in a memory queue as extra positives (the kNN loss of Van Gansbeke et al.).

Van Gansbeke et al., "Revisiting Contrastive Methods for Unsupervised Learning of Visual
Representations", NeurIPS 2021 (https://arxiv.org/abs/2106.05967), ``pull_topk`` in the authors'
``builder/builder_ours.py``: find each query's nearest neighbours in a queue of *pooled encoder*
features, then maximise the agreement between the query and those neighbours in the *projected*
space, against the rest of the projected queue.
"""
import torch
import torch.nn.functional as F

from .amp import in_float32


@in_float32
def queue_similarity(feats: torch.Tensor, queue: torch.Tensor) -> torch.Tensor:
    """MxL similarities of M (pooled, normalised) features to the L queue entries, in float32.

    In float32 under autocast too: half-precision features meet the float32 queue, and bfloat16's
    ~3 digits would tie many neighbours of the ranking. No gradient flows (features detached).

    Args:
        feats (torch.Tensor): MxD features.
        queue (torch.Tensor): LxD queue entries.
    """
    return feats.detach() @ queue.t()  # MxL


def knn_positives(sim: torch.Tensor, topk: int) -> torch.Tensor:
    """The ``topk`` entries most similar to each query.

    Args:
        sim (torch.Tensor): MxK similarities of M queries to K queue entries.
        topk (int): Number of neighbours per query.

    Returns:
        torch.Tensor: Mxtopk queue indices, most similar first.
    """
    if not 0 < topk <= sim.size(1):
        raise ValueError(f'knn topk={topk} must lie in [1, queue length {sim.size(1)}]')
    return sim.topk(topk, dim=1).indices


@in_float32
def knn_pull_loss(logits: torch.Tensor, index: torch.Tensor, temperature: float) -> torch.Tensor:
    """Pull each query towards its neighbours, softmax over the whole queue (SupCon-style), in
    float32 under any autocast.

    ``-mean_{i, j in index[i]} log softmax(logits[i] / temperature)[j]``.

    Args:
        logits (torch.Tensor): MxK query-to-queue similarities in the projected space.
        index (torch.Tensor): Mxtopk positives per query (see :func:`knn_positives`).
        temperature (float): Softmax temperature.

    Returns:
        torch.Tensor: The scalar loss.
    """
    log_prob = F.log_softmax(logits / temperature, dim=1)  # MxK
    return -log_prob.gather(1, index).mean()
