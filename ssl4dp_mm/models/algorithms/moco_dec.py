"""MoCo with a decoder: image-level MoCo on the decoder's output pooled into one vector."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn.functional as F
from mmselfsup.registry import MODELS
from mmselfsup.structures import SelfSupDataSample
from mmselfsup.utils import batch_shuffle_ddp, batch_unshuffle_ddp

from ..utils.contrast import image_logits
from ..utils.queue import FeatureQueue
from .encoder_decoder_base import EncoderDecoderSSL


@MODELS.register_module()
class MoCoDec(EncoderDecoderSSL):
    """MoCo v2 on an encoder-decoder (MoCo w/dec).

    The decoder's feature map is average-pooled and projected by the neck (``MoCoV2Neck`` with
    ``with_avg_pool=True``); the rest is MoCo (He et al., 2020, https://arxiv.org/abs/1911.05722):
    a momentum key encoder, a queue of keys as negatives, InfoNCE. Without ``decoder`` this is plain
    MoCo v2 on the backbone, with MMSeg's backbone so that checkpoints convert alike.

    Args:
        backbone (dict): Backbone config.
        neck (dict): Projector config (pools the map to one vector).
        head (dict): ``ContrastiveHead`` config (holds the temperature).
        decoder (dict, optional): Decode-head config; None for w/o dec. Defaults to None.
        queue_len (int): Number of negative keys in the queue. Defaults to 65536.
        feat_dim (int): Dimension of the projected vectors. Defaults to 128.
        momentum (float): Momentum of the key encoder. Defaults to 0.999.
        in_index (int): Backbone output used without a decoder. Defaults to -1.
        pretrained (str, optional): Defaults to None.
        data_preprocessor (dict, optional): Defaults to None.
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 decoder: Optional[dict] = None,
                 queue_len: int = 65536,
                 feat_dim: int = 128,
                 momentum: float = 0.999,
                 in_index: int = -1,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            decoder=decoder,
            in_index=in_index,
            pretrained=pretrained,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.encoder_k = self.build_momentum_encoder(momentum)
        self.queue = FeatureQueue(queue_len, feat_dim)

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
