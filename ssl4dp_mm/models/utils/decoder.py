"""Build an MMSegmentation decode head as a pre-training decoder."""
import copy

import torch.nn as nn
from mmselfsup.registry import MODELS


def build_decoder(cfg: dict) -> nn.Module:
    """Build a decode head (``mmseg.FCNHead``, ``mmseg.PSPHead``, ``mmseg.ASPPHead``, ...) and remove
    its 1x1 classifier ``conv_seg``.

    Pre-training calls the head's ``_forward_feature``; because it is the very class that segmentation
    uses, its weights load into ``decode_head.*`` of the segmentation model key for key, and only
    ``conv_seg`` is new there.

    Args:
        cfg (dict): The decode-head config. ``num_classes`` may be left out (it only shapes the
            removed classifier).

    Returns:
        nn.Module: The head, without ``conv_seg``.
    """
    cfg = copy.deepcopy(cfg)
    cfg.setdefault('num_classes', 3)  # any value > 2 avoids mmseg's binary-task warnings
    if 'loss_decode' not in cfg:  # keep the build independent of mmseg's default loss settings
        cfg['loss_decode'] = dict(type='mmseg.CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)
    head = MODELS.build(cfg)
    if not hasattr(head, '_forward_feature'):
        raise TypeError(f'{type(head).__name__} has no _forward_feature(): a pre-training decoder '
                        'must be an mmseg decode head that implements it')
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
