"""Build an MMSegmentation decode head as a pre-training decoder.

Pre-training reads a head's features through ``_forward_feature`` (its ``forward`` minus
``cls_seg``). MMSeg 1.2.2 has two heads whose ``forward`` is overridden but whose
``_forward_feature`` is inherited from the parent and so describes the parent's computation:

- ``DepthwiseSeparableASPPHead`` (DeepLabv3+) inherits ``ASPPHead._forward_feature``, which stops
  after the ASPP bottleneck: no stage-1 skip (``c1_bottleneck``), no fuse convs
  (``sep_bottleneck``), output stride 8 instead of 4;
- ``NLHead`` (Non-local) inherits ``FCNHead._forward_feature``, which runs ``convs`` without the
  non-local block between them.

Used as they are, both would pre-train a different network than the one segmentation runs, and
the skipped layers would stay random while the converter carried them "key for key".
:func:`build_decoder` gives such heads the feature function of their own ``forward``
(:data:`FEATURE_FORWARDS`) and refuses any other head whose ``forward`` is overridden below its
``_forward_feature``.
"""
import copy
import types
from typing import Callable, Dict, List

import torch
import torch.nn as nn
from mmseg.models.decode_heads import DepthwiseSeparableASPPHead, NLHead
from mmseg.models.decode_heads.aspp_head import ASPPHead
from mmseg.models.utils import resize
from mmselfsup.registry import MODELS


def sep_aspp_forward_feature(self: DepthwiseSeparableASPPHead,
                             inputs: List[torch.Tensor]) -> torch.Tensor:
    """``DepthwiseSeparableASPPHead.forward`` without ``cls_seg``: ASPP on ``inputs[in_index]``,
    upsampled to ``inputs[0]`` (stage 1), concatenated with its 1x1 projection, two separable 3x3
    convs. Returns NxCxh1xw1 at the resolution of ``inputs[0]``."""
    output = ASPPHead._forward_feature(self, inputs)  # image pool + ASPP + bottleneck
    if self.c1_bottleneck is not None:
        c1_output = self.c1_bottleneck(inputs[0])
        output = resize(input=output, size=c1_output.shape[2:], mode='bilinear',
                        align_corners=self.align_corners)
        output = torch.cat([output, c1_output], dim=1)
    return self.sep_bottleneck(output)


def nl_forward_feature(self: NLHead, inputs: List[torch.Tensor]) -> torch.Tensor:
    """``NLHead.forward`` without ``cls_seg``: conv, non-local block, conv, then (``concat_input``)
    the fuse conv over input and output."""
    x = self._transform_inputs(inputs)
    output = self.convs[1](self.nl_block(self.convs[0](x)))
    if self.concat_input:
        output = self.conv_cat(torch.cat([x, output], dim=1))
    return output


# head class -> the feature function of its own forward(), for heads whose inherited
# _forward_feature does not match it
FEATURE_FORWARDS: Dict[type, Callable] = {
    DepthwiseSeparableASPPHead: sep_aspp_forward_feature,
    NLHead: nl_forward_feature,
}


def _owner(cls: type, name: str) -> type:
    return next(c for c in cls.__mro__ if name in c.__dict__)


def stale_forward_feature(cls: type) -> bool:
    """Whether ``cls`` overrides ``forward`` below the class that defines its ``_forward_feature``
    (so that ``_forward_feature`` describes an ancestor's computation, not this head's)."""
    fwd, feat = _owner(cls, 'forward'), _owner(cls, '_forward_feature')
    return fwd is not feat and issubclass(fwd, feat)


def build_decoder(cfg: dict) -> nn.Module:
    """Build a decode head (``mmseg.FCNHead``, ``mmseg.PSPHead``, ``mmseg.ASPPHead``,
    ``mmseg.DepthwiseSeparableASPPHead``, ``mmseg.NLHead``, ...) and remove its 1x1 classifier
    ``conv_seg``.

    Pre-training calls the head's ``_forward_feature``; because it is the very class that
    segmentation uses, its weights load into ``decode_head.*`` of the segmentation model key for
    key, and only ``conv_seg`` is new there.

    Args:
        cfg (dict): The decode-head config. ``num_classes`` may be left out (it only shapes the
            removed classifier).

    Returns:
        nn.Module: The head, without ``conv_seg``; its ``_forward_feature`` is its ``forward``
        up to ``cls_seg`` (see the module docstring).

    Raises:
        TypeError: If the head has no ``_forward_feature``, or one inherited from a parent whose
            ``forward`` it overrides and no entry in :data:`FEATURE_FORWARDS`.
    """
    cfg = copy.deepcopy(cfg)
    cfg.setdefault('num_classes', 3)  # any value > 2 avoids mmseg's binary-task warnings
    if 'loss_decode' not in cfg:  # keep the build independent of mmseg's default loss settings
        cfg['loss_decode'] = dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)
    head = MODELS.build(cfg)
    if not hasattr(head, '_forward_feature'):
        raise TypeError(f'{type(head).__name__} has no _forward_feature(): a pre-training decoder '
                        'must be an mmseg decode head that implements it')
    if stale_forward_feature(type(head)):
        if type(head) not in FEATURE_FORWARDS:
            raise TypeError(
                f'{type(head).__name__} overrides forward() but inherits _forward_feature() from '
                f'{_owner(type(head), "_forward_feature").__name__}, so its features would not be '
                'what segmentation computes; add its feature function to '
                'ssl4dp_mm.models.utils.decoder.FEATURE_FORWARDS')
        # bound on the instance: deepcopies (momentum encoders) rebind it to the copy
        head._forward_feature = types.MethodType(FEATURE_FORWARDS[type(head)], head)
    del head.conv_seg
    head.init_cfg = _without_conv_seg_init(head.init_cfg)
    return head


def _without_conv_seg_init(init_cfg):
    """Drop the part of a head's ``init_cfg`` that targets the removed ``conv_seg``.

    MMSeg's default, ``dict(type='Normal', std=0.01, override=dict(name='conv_seg'))``, initialises
    only the classifier (the convs initialise themselves), so nothing of it is left.
    """
    if isinstance(init_cfg, (list, tuple)):
        kept = [c for c in (_without_conv_seg_init(c) for c in init_cfg) if c]
        return kept or None
    if not isinstance(init_cfg, dict):
        return init_cfg
    init_cfg = dict(init_cfg)
    override = init_cfg.get('override')
    if isinstance(override, dict) and override.get('name') == 'conv_seg':
        init_cfg.pop('override')
        if 'layer' not in init_cfg:
            return None
    return init_cfg
