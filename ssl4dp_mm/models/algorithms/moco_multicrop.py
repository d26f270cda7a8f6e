"""MoCo v2 with constrained multi-crop and the kNN loss ("revisiting contrastive methods")."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.contrast import image_logits
from ..utils.knn import knn_positives, knn_pull_loss, queue_similarity
from ..utils.queue import FeatureQueue
from .moco_dec import MoCoDec


@MODELS.register_module()
class MoCoMultiCrop(MoCoDec):
    """MoCo v2 with small crops and nearest-neighbour positives (w/ or w/o decoder).

    Van Gansbeke et al., "Revisiting Contrastive Methods for Unsupervised Learning of Visual
    Representations", NeurIPS 2021 (https://arxiv.org/abs/2106.05967).

    Views, as :class:`ConstrainedMultiCrop` orders them: view 0 is the query's large crop, view 1
    the key's large crop, views 2.. are small crops that lie inside the key crop. Every query (the
    large one and each small one) is contrasted with its image's key against the queue: MoCo v2's
    InfoNCE, averaged over all queries. With two views this is MoCo v2.

    kNN loss (``knn_weight > 0``): a second queue, written in step with the first, keeps the keys'
    pooled encoder features (the map before the projector, L2-normalised). Each query's ``knn_topk``
    nearest neighbours in that space become positives of an extra loss on the projected query-queue
    logits (:func:`knn_pull_loss`); the total is ``loss + knn_weight * loss_knn``. Unlike the
    reference code, which enqueues the batch's keys before searching, both queues are read before
    either is written, so the neighbour indices and the logits refer to the same entries.

    Args:
        knn_topk (int): Neighbours per query. Defaults to 20.
        knn_weight (float): Weight of the kNN loss; 0 disables it (and its queue). Defaults to 0.4.
        knn_feat_dim (int, optional): Dimension of the pooled encoder features. Defaults to None
            (``neck['in_channels']``).
        **kwargs: Those of :class:`MoCoDec` (:class:`MomentumQueueSSL`); ``queue_len`` is the
            length of both queues, and ``neck`` (``MoCoV2Neck``) takes the pooled features.
    """

    def __init__(self,
                 knn_topk: int = 20,
                 knn_weight: float = 0.4,
                 knn_feat_dim: Optional[int] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.knn_topk = knn_topk
        self.knn_weight = knn_weight
        if knn_weight > 0:
            queue_len = self.queue.length
            if not 0 < knn_topk <= queue_len:
                raise ValueError(f'knn_topk={knn_topk} must lie in [1, queue_len={queue_len}]')
            knn_feat_dim = knn_feat_dim or kwargs['neck'].get('in_channels')
            if knn_feat_dim is None:
                raise KeyError('MoCoMultiCrop: set knn_feat_dim (or neck.in_channels), the '
                               'dimension of the pooled encoder features')
            self.knn_queue = FeatureQueue(queue_len, knn_feat_dim)

    def embed(self, img: torch.Tensor, modules=None) -> Tuple[torch.Tensor, torch.Tensor]:
        """Images -> L2-normalised pooled encoder features NxD and projected vectors NxC."""
        modules = modules if modules is not None else self.online_modules()
        pooled = self.encode(img, modules).mean(dim=(2, 3))  # NxD
        z = modules['neck']([pooled[:, :, None, None]])[0]  # NxC (pooling a 1x1 map is a no-op)
        return F.normalize(pooled, dim=1), F.normalize(z, dim=1)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k, small = inputs[0], inputs[1], inputs[2:]
        h_q, q = self.embed(im_q)  # NxD, NxC
        if small:  # all small crops in one pass, view-major: (S*N)x3xhxw
            h_s, q_s = self.embed(torch.cat(small))
            h_q, q = torch.cat([h_q, h_s]), torch.cat([q, q_s])  # (V*N)xD, (V*N)xC
        h_k, k = self.key_forward(im_k, self.embed)  # NxD, NxC; no gradient

        num_queries = q.size(0) // k.size(0)  # 1 + number of small crops
        l_pos, l_neg = image_logits(q, k.repeat(num_queries, 1), self.queue.feats)  # Mx1, MxK
        losses = dict(loss=self.head(l_pos, l_neg))
        if self.knn_weight > 0:
            sim = queue_similarity(h_q, self.knn_queue.feats)  # MxK, pooled features, float32
            index = knn_positives(sim, self.knn_topk)  # Mxtopk
            loss_knn = knn_pull_loss(l_neg, index, self.head.temperature)
            losses['loss_knn'] = self.knn_weight * loss_knn
            self.knn_queue.enqueue(h_k)
        self.queue.enqueue(k)
        return losses
