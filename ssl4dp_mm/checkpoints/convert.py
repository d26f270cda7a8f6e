"""Turn a pre-training checkpoint into MMSegmentation weights (backbone and decoder).

Accepted inputs:

- ssl4dp_mm pre-training checkpoints: ``backbone.*`` -> ``backbone.*``, ``decoder.*`` ->
  ``decode_head.*``; projectors, heads, momentum encoders and queues are dropped.
- MMSelfSup image-level checkpoints (``backbone.*`` plus neck/head/queue): backbone only.
- torchvision ResNet state dicts (``conv1.weight``, ``layer1.*``, ``fc.*``): backbone only; also
  inside official MoCo / DenseCL training checkpoints (``module.encoder_q.*``). The layouts are
  detected and mapped by :mod:`ssl4dp_mm.checkpoints.layouts`.
- Public DINOv2 / DINOv3 / ConvNeXt / timm files, with a segmentation config whose backbone is
  ``TimmDenseBackbone``: mapped by that backbone (:mod:`ssl4dp_mm.checkpoints.timm_layouts`).

The trap this guards against: MoCo, DenseCL and torchvision ResNets have a *plain* stem
(``conv1``/``bn1``); MMSeg's base configs use ``ResNetV1c``, whose *deep* stem (``stem.*``) shares
no key with it. Loaded non-strictly, the stem silently stays random. :func:`check_fits` refuses that
pairing and says which backbone type to use. :func:`convert_checkpoint` does the whole step
(read, map, check against a segmentation config, write); ``tools/convert_checkpoint.py`` is its
command line.
"""
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from .layouts import state_dict_of, to_backbone_layout
from .safe_io import load_checkpoint_file, save_checkpoint_atomic
from .vit_layouts import fit_vit, vit_grid


def stem_kind(keys, prefix: str = 'backbone.') -> Optional[str]:
    """'deep' (``stem.*``), 'plain' (``conv1.*``) or None if no ResNet stem is found."""
    keys = list(keys)
    if any(k.startswith(prefix + 'stem.') for k in keys):
        return 'deep'
    if any(k.startswith(prefix + 'conv1.') for k in keys):
        return 'plain'
    return None


def to_seg_state_dict(state_dict: Dict[str, torch.Tensor]) -> Tuple[OrderedDict, str]:
    """Map a pre-training (or torchvision / official MoCo) state dict to segmentation-model keys.

    The layout is detected by :func:`ssl4dp_mm.checkpoints.layouts.to_backbone_layout`;
    then ``backbone.*`` is kept, ``decoder.*`` becomes ``decode_head.*`` and everything else
    (momentum encoder, projector, head, queue) is dropped: it has no place in segmentation.

    Returns:
        tuple[OrderedDict, str]: The new state dict and the detected source layout
        ('ssl4dp_mm', 'mmselfsup', 'moco' or 'torchvision').
    """
    mapped, source = to_backbone_layout(state_dict)
    out = OrderedDict()
    for k, v in mapped.items():
        if k.startswith('backbone.'):
            out[k] = v
        elif k.startswith('decoder.'):
            out['decode_head.' + k[len('decoder.'):]] = v
    return out, source


def check_fits(converted: Dict[str, torch.Tensor],
               model_state: Dict[str, torch.Tensor],
               backbone_type: str = '?') -> Tuple[List[str], List[str]]:
    """Check converted weights against a segmentation model's state dict.

    Args:
        converted (dict): Output of :func:`to_seg_state_dict`.
        model_state (dict): ``model.state_dict()`` of the target segmentation model.
        backbone_type (str): The config's backbone type, for messages. Defaults to '?'.

    Returns:
        tuple[list[str], list[str]]: Missing keys (in the model, not in the checkpoint) and
        unexpected keys (in the checkpoint, not in the model).

    Raises:
        ValueError: If the ResNet stems differ (plain vs deep), a backbone key is missing, the
            decoder does not fit the head (missing or unexpected ``decode_head`` keys other than
            ``conv_seg``), or any shared key has another shape. The message names the first
            offending key.
    """
    ckpt_stem, model_stem = stem_kind(converted), stem_kind(model_state)
    if ckpt_stem and model_stem and ckpt_stem != model_stem:
        use = ("type='mmseg.ResNetV1c' (deep stem, MMSeg's default; our r18-d8 / r50-d8 bases)"
               if ckpt_stem == 'deep' else
               "type='mmseg.ResNet' (plain stem, MMSeg's r18b/r50b; our r18b-d8 / r50b-d8 bases)")
        raise ValueError(
            f'stem mismatch: the checkpoint has a {ckpt_stem}-stem ResNet but the config\'s '
            f'backbone {backbone_type} has a {model_stem} stem, so the stem would silently stay '
            f'random. Use backbone {use} in the segmentation config.')
    for k, v in converted.items():
        if k in model_state and tuple(model_state[k].shape) != tuple(v.shape):
            # same layer names, other widths (e.g. PSPNet 128 vs PSPNet-256): a decoder mismatch
            what = ('the pre-trained decoder does not fit the head: '
                    if k.startswith('decode_head.') else '')
            raise ValueError(f'{what}shape mismatch at {k!r} (the first mismatched key): '
                             f'checkpoint {tuple(v.shape)} vs model {tuple(model_state[k].shape)}')
    missing = [k for k in model_state
               if k not in converted and not k.endswith('num_batches_tracked')]
    unexpected = [k for k in converted if k not in model_state]
    missing_backbone = [k for k in missing if k.startswith('backbone.')]
    if missing_backbone and any(k.startswith('backbone.') for k in converted):
        raise ValueError(f'the backbone does not fit: first missing key {missing_backbone[0]!r} '
                         f'({len(missing_backbone)} missing); backbone type {backbone_type}')
    has_decoder = any(k.startswith('decode_head.') for k in converted)
    if has_decoder:
        bad = [k for k in unexpected if k.startswith('decode_head.')]
        bad += [k for k in missing
                if k.startswith('decode_head.') and not k.startswith('decode_head.conv_seg.')]
        if bad:
            raise ValueError(f'the pre-trained decoder does not fit the head: first mismatched key '
                             f'{bad[0]!r} ({len(bad)} mismatched); pre-train and segment with the '
                             'same decode head type and settings')
    return missing, unexpected


def convert_checkpoint(src: str, dst: str, seg_config: Optional[str] = None,
                       verbose: bool = True) -> dict:
    """Convert the checkpoint ``src`` into MMSeg weights at ``dst``.

    With ``seg_config``, the weights are checked against the model that config builds and
    refused when they do not fit (:func:`check_fits`); a ViT's depth, width and patch size are
    named when they differ and its ``pos_embed`` is resized to the config's grid
    (:func:`ssl4dp_mm.checkpoints.vit_layouts.fit_vit`). ``dst`` is written atomically and carries
    ``meta`` (``converted_from``, ``source_format``, ``seg_config``).

    Args:
        src (str): A pre-training checkpoint (ssl4dp_mm, MMSelfSup, torchvision,
            facebookresearch/moco, timm / DINO ViT).
        dst (str): The MMSeg checkpoint to write.
        seg_config (str, optional): A segmentation config whose model must fit the weights.
            Defaults to None (no check).
        verbose (bool): Print what was converted, missing and ignored. Defaults to True.

    Returns:
        dict: ``source`` (the detected layout), ``missing`` and ``unexpected`` keys (empty
        without ``seg_config``) and ``num_keys`` (tensors written).

    Raises:
        FileNotFoundError: ``src`` does not exist.
        ValueError: The weights do not fit ``seg_config``'s model (the message names both).
    """
    state_dict = state_dict_of(load_checkpoint_file(src))
    model = cfg = None
    if seg_config is not None:
        cfg = Config.fromfile(seg_config)
        init_default_scope(cfg.get('default_scope', 'mmseg'))
        from mmseg.registry import MODELS
        model_cfg = cfg.model.copy()
        model_cfg.pop('pretrained', None)
        model = MODELS.build(model_cfg)
    try:
        if (model is not None and hasattr(model.backbone, 'state_from_checkpoint')
                and not any(k.startswith('backbone.') for k in state_dict)):
            # a public DINOv2 / DINOv3 / ConvNeXt / timm file for a timm backbone: mapped by the
            # backbone's own layouts (ssl4dp_mm.checkpoints.timm_layouts), every key checked
            state, source = model.backbone.state_from_checkpoint(state_dict, src)
            converted = OrderedDict(('backbone.' + k, v) for k, v in state.items())
        else:
            converted, source = to_seg_state_dict(state_dict)
            if model is not None:
                # a ViT: depth / width / patch size named when they differ, pos_embed resized
                converted = fit_vit(converted, model.state_dict(), vit_grid(model.backbone),
                                    source=src)
        report = dict(source=source, missing=[], unexpected=[], num_keys=len(converted))
        if model is not None:
            missing, unexpected = check_fits(converted, model.state_dict(),
                                             cfg.model.backbone.get('type', '?'))
            report.update(missing=missing, unexpected=unexpected)
    except ValueError as err:
        if seg_config is None:
            raise
        raise ValueError(f'{src} does not fit {seg_config}: {err}') from err
    meta = dict(converted_from=src, source_format=source, seg_config=seg_config)
    save_checkpoint_atomic(dict(state_dict=converted, meta=meta), dst)
    if verbose:
        print(f'converted {len(converted)} tensors ({source} layout) from {src} -> {dst}')
        if seg_config is not None:
            print(f'  missing in checkpoint (newly initialised): {report["missing"] or "none"}')
            print(f'  unexpected (ignored by the model): {report["unexpected"] or "none"}')
    return report
