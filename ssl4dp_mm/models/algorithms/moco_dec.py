"""MoCo with a decoder: image-level MoCo on the decoder's output pooled into one vector."""
from typing import Dict, List

import torch
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample

from ..utils.contrast import image_logits
from .momentum_queue_base import MomentumQueueSSL


@MODELS.register_module()
class MoCoDec(MomentumQueueSSL):
    """MoCo v2 on an encoder-decoder (MoCo w/dec).

    The decoder's feature map is average-pooled and projected by the neck (``MoCoV2Neck`` with
    ``with_avg_pool=True``); the rest is MoCo (He et al., 2020, https://arxiv.org/abs/1911.05722):
    a momentum key encoder, a queue of keys as negatives, InfoNCE. Without ``decoder`` this is plain
    MoCo v2 on the backbone, with MMSeg's backbone so that checkpoints convert alike.

    Arguments are those of :class:`MomentumQueueSSL`; the queue holds image vectors.
    """

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        q = self.project(im_q)  # NxC
        k = self.key_forward(im_k)  # NxC, no gradient
        loss = self.head(*image_logits(q, k, self.queue.feats))  # Nx1 vs NxK
        self.queue.enqueue(k)
        return dict(loss=loss)
