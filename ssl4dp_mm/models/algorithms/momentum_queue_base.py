"""What the MoCo-style methods share: a momentum key encoder and a queue of negatives."""
from ..utils.queue import FeatureQueue
from .encoder_decoder_base import EncoderDecoderSSL


class MomentumQueueSSL(EncoderDecoderSSL):
    """``EncoderDecoderSSL`` plus MoCo's key side (He et al., 2020, https://arxiv.org/abs/1911.05722).

    Builds ``encoder_k``, an EMA copy of :meth:`online_modules` (backbone, decoder if any, neck),
    and ``queue``, a :class:`FeatureQueue` of ``queue_len`` keys of ``feat_dim`` dimensions, with a
    label per entry when the class sets ``queue_with_labels``. Subclasses take their own arguments
    and pass the rest on (``**kwargs``); the checkpoint keys ``encoder_k.*`` and ``queue.*`` are
    the same for every subclass.

    The key batch goes through ``encoder_k`` shuffled across processes (MMSelfSup's
    ``batch_shuffle_ddp``, MoCo's shuffle-BN), so that a process's key BatchNorm statistics are not
    those of its own query images. Under ``sync_bn`` (the runtime bases; mmengine's Runner converts
    ``encoder_k`` too, after it was built, sharing the parameter objects the EMA updates) every
    BatchNorm normalises over the whole batch, and the shuffle is moot but harmless: the same
    statistics, the keys unshuffled to their images. Subclasses gather their in-batch negatives
    across processes (:mod:`ssl4dp_mm.models.utils.gather`); the queue gathers what it enqueues.

    Args:
        queue_len (int): Number of entries of the queue. Defaults to 65536.
        feat_dim (int): Dimension of the projected vectors. Defaults to 128.
        momentum (float): Momentum of the key encoder. Defaults to 0.999.
        **kwargs: Those of :class:`EncoderDecoderSSL` (``backbone``, ``neck``, ``head``,
            ``decoder``, ...); ``head`` is a ``ContrastiveHead`` (holds the temperature).
    """

    #: Whether the queue keeps an integer label per entry (see :class:`FeatureQueue`).
    queue_with_labels = False

    def __init__(self,
                 queue_len: int = 65536,
                 feat_dim: int = 128,
                 momentum: float = 0.999,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.feat_dim = feat_dim
        self.encoder_k = self.build_momentum_encoder(momentum)
        self.queue = FeatureQueue(queue_len, feat_dim, with_labels=self.queue_with_labels)
