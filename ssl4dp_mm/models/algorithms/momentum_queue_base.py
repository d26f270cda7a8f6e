"""What the MoCo-style methods share: a momentum key encoder, its key branch and a queue."""
from typing import Callable, Dict, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import ExponentialMovingAverage
from mmselfsup.registry import MODELS
from mmselfsup.utils import batch_shuffle_ddp, batch_unshuffle_ddp

from ..utils.queue import FeatureQueue
from .encoder_decoder_base import EncoderDecoderSSL

#: What an embedding of the key views gives: one tensor or several, each with the images first.
Keys = Union[torch.Tensor, Tuple[torch.Tensor, ...]]


class MomentumQueueSSL(EncoderDecoderSSL):
    """``EncoderDecoderSSL`` plus MoCo's key side: momentum encoder, key branch and queue.

    MoCo: He et al., 2020, https://arxiv.org/abs/1911.05722. Builds ``encoder_k``, an EMA copy
    of :meth:`online_modules` (backbone, decoder if any, neck and a subclass's ``extra_online``
    modules), once every online module exists, and ``queue``, a :class:`FeatureQueue` of
    ``queue_len`` keys of ``feat_dim`` dimensions, with a label per entry when the class sets
    ``queue_with_labels`` (no queue when ``queue_len`` is None: a method without negatives, e.g.
    PRCL). Subclasses take their own arguments and pass the rest on (``**kwargs``); the checkpoint
    keys ``encoder_k.*`` and ``queue.*`` are the same for every subclass, and ``encoder_k.*``
    comes right after the online modules.

    :meth:`key_forward` is the key branch of every subclass: one EMA step of ``encoder_k``
    (:meth:`momentum_update`), then the key batch through ``encoder_k``, shuffled across processes
    (MMSelfSup's ``batch_shuffle_ddp``, MoCo's shuffle-BN) so that a process's key BatchNorm
    statistics are not those of its own query images, and the keys put back in image order. Under
    ``sync_bn`` (the runtime bases; mmengine's Runner converts ``encoder_k`` too, after it was
    built, sharing the parameter objects the EMA updates) every BatchNorm normalises over the whole
    batch, and the shuffle is moot but harmless: the same statistics, the keys unshuffled to their
    images. Subclasses gather their in-batch negatives across processes
    (:mod:`ssl4dp_mm.models.utils.gather`); the queue gathers what it enqueues.

    Args:
        queue_len (int, optional): Number of entries of the queue; None builds no queue.
            Defaults to 65536.
        feat_dim (int): Dimension of the projected vectors. Defaults to 128.
        momentum (float): Momentum of the key encoder. Defaults to 0.999.
        extra_online (dict[str, dict], optional): Configs of the online modules a subclass adds
            beyond backbone, decoder and neck (e.g. PLMoCo+'s ``img_neck``), by attribute name;
            built after the queue and averaged by ``encoder_k`` like the others. Defaults to None.
        **kwargs: Those of :class:`EncoderDecoderSSL` (``backbone``, ``neck``, ``head``,
            ``decoder``, ...); ``head`` is a ``ContrastiveHead`` (holds the temperature).
    """

    #: Whether the queue keeps an integer label per entry (see :class:`FeatureQueue`).
    queue_with_labels = False

    def __init__(self,
                 queue_len: Optional[int] = 65536,
                 feat_dim: int = 128,
                 momentum: float = 0.999,
                 extra_online: Optional[Dict[str, dict]] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.feat_dim = feat_dim
        # encoder_k.* keeps its place right after the online modules (in checkpoints and in the
        # optimizer's list of parameters); it is built at the end, when every online module exists
        self.register_module('encoder_k', None)
        self.queue = (FeatureQueue(queue_len, feat_dim, with_labels=self.queue_with_labels)
                      if queue_len is not None else None)
        extra_online = extra_online or {}
        for name, cfg in extra_online.items():
            self.add_module(name, MODELS.build(cfg))
        self.extra_online_names = tuple(extra_online)
        self.encoder_k = self.build_momentum_encoder()

    def online_modules(self) -> nn.ModuleDict:
        """Backbone, decoder (if any), neck and the ``extra_online`` modules, in that order."""
        modules = super().online_modules()
        for name in self.extra_online_names:
            modules[name] = getattr(self, name)
        return modules

    def build_momentum_encoder(self) -> ExponentialMovingAverage:
        """An EMA copy of :meth:`online_modules` (no gradients; ``1 - momentum`` as in MoCo)."""
        return ExponentialMovingAverage(self.online_modules(), 1 - self.momentum)

    def project(self, img: torch.Tensor, modules: Optional[nn.ModuleDict] = None) -> torch.Tensor:
        """Images NxCxHxW -> L2-normalised projections: NxDxhxw cells (a dense neck, e.g.
        ``DenseProjector``) or NxD image vectors (a pooling neck, e.g. ``MoCoV2Neck``).

        Args:
            img (torch.Tensor): The images.
            modules (nn.ModuleDict, optional): Run these (e.g. ``encoder_k.module``) instead of the
                online ones. Defaults to None.
        """
        modules = modules if modules is not None else self.online_modules()
        return F.normalize(modules['neck']([self.encode(img, modules)])[0], dim=1)

    @torch.no_grad()
    def momentum_update(self) -> None:
        """One EMA step of ``encoder_k`` towards the online modules (the first one copies them)."""
        self.encoder_k.update_parameters(self.online_modules())

    @torch.no_grad()
    def key_forward(self,
                    im_k: torch.Tensor,
                    embed: Optional[Callable[[torch.Tensor, nn.ModuleDict], Keys]] = None) -> Keys:
        """The key branch: momentum update, then the key views through ``encoder_k``.

        The batch is shuffled across processes before ``embed`` (for BatchNorm) and its output
        unshuffled, so the keys come back in the order of ``im_k``. No gradient.

        Args:
            im_k (torch.Tensor): NxCxHxW key views.
            embed (Callable, optional): ``embed(img, modules)``, run with ``encoder_k.module``;
                returns one tensor or a tuple of tensors, each with the N images first.
                Defaults to None (:meth:`project`).

        Returns:
            torch.Tensor | tuple[torch.Tensor]: What ``embed`` gives for ``im_k``, image n at
            row n.
        """
        embed = embed if embed is not None else self.project
        self.momentum_update()
        im_k, idx_unshuffle = batch_shuffle_ddp(im_k)  # shuffle for BatchNorm
        keys = embed(im_k, self.encoder_k.module)
        if isinstance(keys, tuple):
            return tuple(batch_unshuffle_ddp(k, idx_unshuffle) for k in keys)
        return batch_unshuffle_ddp(keys, idx_unshuffle)
