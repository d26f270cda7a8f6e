"""What the MoCo-style methods share: a momentum key encoder and a queue of negatives."""
from typing import List, Optional, Union

from ..utils.queue import FeatureQueue
from .encoder_decoder_base import EncoderDecoderSSL


class MomentumQueueSSL(EncoderDecoderSSL):
    """``EncoderDecoderSSL`` plus MoCo's key side (He et al., 2020, https://arxiv.org/abs/1911.05722).

    Builds ``encoder_k``, an EMA copy of :meth:`online_modules` (backbone, decoder if any, neck),
    and ``queue``, a :class:`FeatureQueue` of ``queue_len`` keys of ``feat_dim`` dimensions, with a
    label per entry when the class sets ``queue_with_labels``. Subclasses take their own arguments
    and pass the rest on (``**kwargs``); the checkpoint keys ``encoder_k.*`` and ``queue.*`` are
    the same for every subclass.

    Args:
        backbone (dict): Backbone config.
        neck (dict): Projector config.
        head (dict): ``ContrastiveHead`` config (holds the temperature).
        decoder (dict, optional): Decode-head config; None for w/o dec. Defaults to None.
        queue_len (int): Number of entries of the queue. Defaults to 65536.
        feat_dim (int): Dimension of the projected vectors. Defaults to 128.
        momentum (float): Momentum of the key encoder. Defaults to 0.999.
        in_index (int): Backbone output used without a decoder. Defaults to -1.
        pretrained (str, optional): Defaults to None.
        data_preprocessor (dict, optional): Defaults to None.
        init_cfg (dict | list[dict], optional): Defaults to None.
    """

    #: Whether the queue keeps an integer label per entry (see :class:`FeatureQueue`).
    queue_with_labels = False

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
        self.momentum = momentum
        self.feat_dim = feat_dim
        self.encoder_k = self.build_momentum_encoder(momentum)
        self.queue = FeatureQueue(queue_len, feat_dim, with_labels=self.queue_with_labels)
