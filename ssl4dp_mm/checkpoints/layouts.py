"""Which layout a ResNet or ViT checkpoint has, and its keys mapped to ours (``backbone.*``).

The checkpoints people hold for "continue from MoCo v2" come in four layouts, and those for
"continue from DINO" in two more (timm, dino):

============== ============================================ ========================================
layout         keys                                         where from
============== ============================================ ========================================
``moco``       ``module.encoder_q.conv1.weight``, ...,      facebookresearch/moco (and DenseCL's
               ``module.encoder_q.fc.*``, ``module.queue``  official code): ``{'state_dict': ...}``
``torchvision`` ``conv1.weight``, ``layer1.0.conv1.weight``, torchvision's model zoo, or any bare
               ..., ``fc.weight``                           torchvision ResNet state dict
``mmselfsup``  ``backbone.conv1.weight``, ``neck.*``, ...   MMSelfSup's model zoo / training runs;
                                                            also our own runs without a decoder
``ssl4dp_mm``  ``backbone.*``, ``decoder.*``, ``neck.*``    our own pre-training runs with a decoder
``timm``       ``cls_token``, ``pos_embed``,                timm ViTs; DINO's released backbones
               ``patch_embed.proj.*``, ``blocks.N.*``       (``dino_deitsmall16_pretrain.pth``)
``dino``       ``teacher``: ``backbone.blocks.N.*``, ...    DINO's training ``checkpoint.pth``
============== ============================================ ========================================

:func:`to_backbone_layout` maps any of them to our model's key names: the query encoder of ``moco``
and the bare ``torchvision`` keys go under ``backbone.`` (the classifier ``fc.*`` is dropped: it is
MoCo's projection MLP or ImageNet's classifier); ``mmselfsup`` and ``ssl4dp_mm`` keys are kept as
they are. The three public layouts are torchvision ResNets with the *plain* stem (one 7x7 conv,
``conv1``/``bn1``): they pair with MMSeg's ``ResNet`` (our ``r18b`` / ``r50b`` variants), not with
the deep-stem ``ResNetV1c`` of MMSeg's default configs; :func:`variant_name` names the variant that
fits a checkpoint, for error messages. The two ViT layouts are mapped to MMSeg's
``VisionTransformer`` names by :mod:`ssl4dp_mm.checkpoints.vit_layouts` (``blocks.N.attn.qkv`` ->
``backbone.layers.N.attn.attn.in_proj_*``, ...; the classifier ``head.*`` dropped).

A model whose backbone maps checkpoints itself (``TimmDenseBackbone``: DINOv2, DINOv3, ConvNeXt,
timm; :mod:`ssl4dp_mm.checkpoints.timm_layouts`) is served by :func:`to_timm_backbone_layout`
instead, which hands the checkpoint to that backbone.
"""
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from .vit_layouts import VIT_PREFIXES, timm_to_mmseg, vit_prefix

LAYOUTS = ('moco', 'torchvision', 'mmselfsup', 'ssl4dp_mm', 'timm', 'dino')
# prefixes under which official MoCo-style training checkpoints keep the query encoder
_ENCODER_PREFIXES = ('module.encoder_q.', 'encoder_q.', 'module.')


def state_dict_of(ckpt: dict) -> Dict[str, torch.Tensor]:
    """The state dict inside a loaded checkpoint: ``ckpt['state_dict']``; for DINO's training
    checkpoint the ``teacher`` (the network DINO evaluates); for DeiT / MAE-style ones ``model``;
    else ``ckpt`` itself."""
    state = None
    if isinstance(ckpt, dict):
        state = ckpt
        for key in ('state_dict', 'teacher', 'model'):
            if key in ckpt:
                state = ckpt[key]
                break
    if not isinstance(state, dict):
        raise ValueError(f'checkpoint holds no state dict (found {type(state).__name__})')
    return state


def _is_torchvision_resnet(keys, prefix: str = '') -> bool:
    return f'{prefix}conv1.weight' in keys and any(k.startswith(f'{prefix}layer1.') for k in keys)


def detect_layout(state_dict: Dict[str, torch.Tensor]) -> str:
    """One of :data:`LAYOUTS`, from the key names alone.

    Args:
        state_dict (dict): A checkpoint's state dict.

    Returns:
        str: 'moco', 'torchvision', 'mmselfsup' or 'ssl4dp_mm'.

    Raises:
        ValueError: If the keys fit none of them; the message lists the first keys.
    """
    keys = set(state_dict)
    prefix = vit_prefix(keys)
    if prefix is not None:
        return VIT_PREFIXES[prefix]
    if any(k.startswith('backbone.') for k in keys):
        return 'ssl4dp_mm' if any(k.startswith('decoder.') for k in keys) else 'mmselfsup'
    for prefix in _ENCODER_PREFIXES:
        if _is_torchvision_resnet(keys, prefix):
            return 'moco'
    if _is_torchvision_resnet(keys):
        return 'torchvision'
    sample = ', '.join(list(state_dict)[:5])
    raise ValueError('unrecognised checkpoint layout: expected backbone.* keys (ssl4dp_mm / '
                     'MMSelfSup), module.encoder_q.* (facebookresearch/moco), a torchvision '
                     'ResNet (conv1.*, layer1.*) or a timm / DINO ViT (patch_embed.proj.*, '
                     f'blocks.N.*); first keys: {sample}')


def to_backbone_layout(state_dict: Dict[str, torch.Tensor]) -> Tuple[OrderedDict, str]:
    """Map a checkpoint's state dict to our key names.

    Args:
        state_dict (dict): A state dict in any of :data:`LAYOUTS`.

    Returns:
        tuple[OrderedDict, str]: The mapped state dict and the detected layout. For 'moco' and
        'torchvision' it holds ``backbone.<torchvision key>`` for every key but ``fc.*`` (for
        'moco', only the query encoder: the key encoder and the queue are dropped); for
        'timm' and 'dino' the ViT in MMSeg's names under ``backbone.`` (DINO's projection head
        dropped); for 'mmselfsup' and 'ssl4dp_mm' every key, unchanged.
    """
    layout = detect_layout(state_dict)
    if layout in ('mmselfsup', 'ssl4dp_mm'):
        return OrderedDict(state_dict), layout
    if layout in ('timm', 'dino'):
        return timm_to_mmseg(state_dict, vit_prefix(state_dict)), layout
    prefix = ''
    if layout == 'moco':
        prefix = next(p for p in _ENCODER_PREFIXES if _is_torchvision_resnet(state_dict, p))
    out = OrderedDict()
    for k, v in state_dict.items():
        if k.startswith(prefix) and not k[len(prefix):].startswith('fc.'):
            out['backbone.' + k[len(prefix):]] = v
    return out, layout


def to_timm_backbone_layout(state_dict: Dict[str, torch.Tensor],
                            model: nn.Module,
                            prefixes: Sequence[str] = ('backbone.', ),
                            source: str = 'checkpoint') -> Optional[Tuple[OrderedDict, str]]:
    """Map a checkpoint to ``model``'s keys through the backbones that map checkpoints themselves.

    Under each prefix whose module has ``state_from_checkpoint`` (``TimmDenseBackbone``), that
    module maps the checkpoint (a public DINOv2 / DINOv3 / ConvNeXt / timm file, or a run of ours
    with ``backbone.model.*``) to its own keys, strictly; the checkpoint's keys outside those
    prefixes (a run's ``decoder.*``, ``neck.*``) are kept as they are.

    Args:
        state_dict (dict): A checkpoint's state dict.
        model (nn.Module): The model to load into.
        prefixes (Sequence[str]): Where the modules to fill sit in ``model``.
            Defaults to ('backbone.', ).
        source (str): The checkpoint's name, for messages. Defaults to 'checkpoint'.

    Returns:
        tuple[OrderedDict, str] | None: The mapped state dict and the backbone's layout
        (:data:`ssl4dp_mm.checkpoints.timm_layouts.TIMM_LAYOUTS`); None if no module under
        ``prefixes`` maps checkpoints itself (then :func:`to_backbone_layout` applies).

    Raises:
        ValueError: From the backbone, naming the key that does not fit.
    """
    own = [p for p in prefixes
           if hasattr(model.get_submodule(p.rstrip('.')), 'state_from_checkpoint')]
    if not own:
        return None
    out = OrderedDict((k, v) for k, v in state_dict.items() if not k.startswith(tuple(own)))
    layout = None
    for prefix in own:
        mapped, layout = model.get_submodule(prefix.rstrip('.')).state_from_checkpoint(
            state_dict, source)
        out.update((prefix + k, v) for k, v in mapped.items())
    return out, layout


def output_stride(strides: Sequence[int]) -> int:
    """Output stride of a ResNet with these per-stage strides (the stem reduces by 4)."""
    total = 4
    for s in strides:
        total *= int(s)
    return total


def variant_name(stem: str, depth: Optional[int] = None,
                 strides: Optional[Sequence[int]] = None) -> str:
    """Our name of a backbone variant, e.g. ``r50b-d8`` (``b``: plain stem; ``d8``: stride 8).

    Args:
        stem (str): 'plain' or 'deep'.
        depth (int, optional): ResNet depth; unknown gives ``r*``. Defaults to None.
        strides (Sequence[int], optional): Per-stage strides; unknown gives ``d8``.
            Defaults to None.

    Returns:
        str: The name of ``configs/_base_/models/<name>.py``.
    """
    os_ = output_stride(strides) if strides is not None else 8
    return f'r{depth or "*"}{"b" if stem == "plain" else ""}-d{os_}'
