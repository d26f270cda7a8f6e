"""MoCo with a decoder: image-level MoCo on the decoder's output pooled into one vector."""
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample
from mmselfsup.utils import batch_shuffle_ddp, batch_unshuffle_ddp

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

    def project(self, img: torch.Tensor, modules=None) -> torch.Tensor:
        """Images -> L2-normalised image vectors, NxC."""
        modules = modules if modules is not None else self.online_modules()
        return F.normalize(modules['neck']([self.encode(img, modules)])[0], dim=1)

    def loss(self, inputs: List[torch.Tensor], data_samples: List[SelfSupDataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        im_q, im_k = inputs[0], inputs[1]
        q = self.project(im_q)  # NxC
        with torch.no_grad():
            self.encoder_k.update_parameters(self.online_modules())
            im_k, idx_unshuffle = batch_shuffle_ddp(im_k)  # shuffle for BatchNorm
            k = self.project(im_k, self.encoder_k.module)  # NxC
            k = batch_unshuffle_ddp(k, idx_unshuffle)
        loss = self.head(*image_logits(q, k, self.queue.feats))  # Nx1 vs NxK
        self.queue.enqueue(k)
        return dict(loss=loss)
