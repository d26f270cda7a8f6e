"""Public checkpoints of today's backbones (DINOv2, DINOv3, ConvNeXt, timm) mapped to a timm model.

The backbone :class:`ssl4dp_mm.models.backbones.TimmDenseBackbone` holds a timm model; these are the
layouts it loads, told apart by their keys (under no prefix, DDP's ``module.``, a training
checkpoint's ``backbone.`` / ``teacher.backbone.``, or ``model.``):

============== ================================================== ===============================
layout         keys                                               where from
============== ================================================== ===============================
``dinov2``     ``cls_token``, ``pos_embed`` (1 x (1 + 37*37) x C  facebookresearch/dinov2 hub
               at patch 14 / 518 px), ``mask_token``,             (``dinov2_vits14_pretrain.pth``,
               ``register_tokens`` (``_reg`` models),             ``dinov2_vits14_reg4_pretrain
               ``blocks.N.ls1.gamma``, ``blocks.N.attn.qkv``,     .pth``)
               ``blocks.N.mlp.fc1`` (or SwiGLU ``mlp.w12`` /
               ``w3``), ``norm``
``dinov3``     ``cls_token``, ``storage_tokens``, ``mask_token``, facebookresearch/dinov3 ViTs
               ``rope_embed.periods`` (RoPE, no ``pos_embed``),   (``dinov3_vits16_pretrain_
               ``blocks.N.attn.qkv.bias`` + ``bias_mask``,        lvd1689m-*.pth``)
               ``blocks.N.ls1.gamma``, ``norm``
``convnext``   ``downsample_layers.0.0`` (stem),                  facebookresearch/ConvNeXt,
               ``stages.S.M.dwconv``, ``pwconv1``, ``gamma``,     DINOv3's ConvNeXts
               ``norm`` (and ``norms.3``)
``timm``       the timm model's own names (``reg_token``,         timm state dicts, the HF hub
               ``stem.0``, ``stages.S.blocks.M.conv_dw``, ...)    ``timm/...`` weights
============== ================================================== ===============================

The renaming is timm's own: the ``checkpoint_filter_fn`` of the model's timm module
(``vision_transformer`` for DINOv2: ``register_tokens`` -> ``reg_token``, the class token's position
folded into ``cls_token`` for the register models, ``mask_token`` dropped; ``eva`` for DINOv3:
``storage_tokens`` -> ``reg_token``, ``ls1.gamma`` -> ``gamma_1``, ``qkv.bias`` split into
``q_bias`` / ``v_bias``, the masked k bias dropped; ``convnext``: FB names -> timm names, ``norm``
-> ``head.norm``). The position embedding is resized there to the model's grid (bicubic,
antialiased; a 518 px DINOv2 for a model built at another ``img_size``).

Before and after that filter the sizes are checked, so nothing is resampled or dropped silently:
another width or patch size (timm would resample a patch kernel to fit), another depth, registers
on one side only, a non-zero q / v bias for a model without one, and after the renaming every key
of the model must come from the file with its shape, every key of the file must have a place in the
model. Keys of layers the backbone pruned (blocks after its last output, the final norm with
``norm=False``) and of the classifier (timm's ``pretrained_cfg['classifier']``: ``head``,
``head.fc``) are dropped. Every refusal names the key.
"""
import contextlib
import io
import re
import sys
from collections import OrderedDict
from typing import Dict, Iterable, Optional, Tuple

import torch
import torch.nn as nn

TIMM_LAYOUTS = ('dinov2', 'dinov3', 'convnext', 'timm')
#: where the backbone's keys may start: bare, DDP, a training checkpoint's backbone / teacher, a
#: run of ours (``backbone.model.``), timm's own ``model.``
TIMM_PREFIXES = ('', 'module.', 'model.', 'backbone.', 'module.backbone.', 'backbone.model.',
                 'teacher.backbone.')
#: a key that each kind of backbone has: ViT patch embedding, timm ConvNeXt stem, FB ConvNeXt stem
_ANCHORS = ('patch_embed.proj.weight', 'stem.0.weight', 'downsample_layers.0.0.weight')


def timm_prefix(keys: Iterable[str]) -> Optional[str]:
    """The prefix under which ``keys`` hold a ViT or ConvNeXt backbone, or None."""
    keys = set(keys)
    for prefix in TIMM_PREFIXES:
        if any(prefix + anchor in keys for anchor in _ANCHORS):
            return prefix
    return None


def detect_timm_layout(keys: Iterable[str]) -> str:
    """One of :data:`TIMM_LAYOUTS` for bare backbone keys (prefix removed)."""
    keys = set(keys)
    if 'downsample_layers.0.0.weight' in keys:
        return 'convnext'
    if 'storage_tokens' in keys or 'rope_embed.periods' in keys:
        return 'dinov3'
    if 'mask_token' in keys:  # what timm's ViT filter takes for DINOv2
        return 'dinov2'
    return 'timm'


def _num_blocks(keys: Iterable[str]) -> int:
    found = {int(m.group(1)) for m in map(re.compile(r'blocks\.(\d+)\.').match, keys) if m}
    return max(found) + 1 if found else 0


def _check_before_renaming(state: Dict[str, torch.Tensor], ref: Dict[str, torch.Tensor],
                           layout: str, name: str, source: str) -> None:
    """Width, patch size, depth and registers, in the checkpoint's own names (timm's filter would
    resample a patch kernel of another size, and misplace registers)."""
    key = 'patch_embed.proj.weight'
    if key in state and key in ref:
        got, want = tuple(state[key].shape), tuple(ref[key].shape)
        if got[0] != want[0]:
            raise ValueError(f'{source} ({layout} layout): width mismatch at {key!r}: checkpoint '
                             f'{got[0]} channels, {name} {want[0]}; pick the model_name of that '
                             f'size (or set backbone.embed_dim={got[0]} and num_heads)')
        if got[2:] != want[2:]:
            raise ValueError(f'{source} ({layout} layout): patch size mismatch at {key!r}: '
                             f'checkpoint {got[2]}x{got[3]}, {name} {want[2]}x{want[3]}; pick a '
                             f'model_name with patch size {got[2]}')
    depth, want_depth = _num_blocks(state), _num_blocks(ref)
    if 'patch_embed.proj.weight' in state and depth != want_depth:
        first = f'blocks.{min(depth, want_depth)}'
        raise ValueError(f'{source} ({layout} layout): depth mismatch: the checkpoint has {depth} '
                         f'blocks, {name} {want_depth} (first unmatched: {first!r}); pick the '
                         f'model_name of that size (or set backbone.depth={depth})')
    if layout == 'convnext':
        _check_convnext(state, ref, name, source)
    registers = {'dinov2': 'register_tokens', 'dinov3': 'storage_tokens'}.get(layout, 'reg_token')
    has, wants = registers in state, 'reg_token' in ref
    if has != wants:
        if has:
            what = (f'has {state[registers].shape[1]} register tokens ({registers!r}) and {name} '
                    'has none: use its register variant (e.g. vit_small_patch14_reg4_dinov2)')
        else:
            what = (f'has no register tokens ({registers!r}) and {name} has: use a model_name '
                    'without registers')
        raise ValueError(f'{source} ({layout} layout) {what}')


def _check_convnext(state: Dict[str, torch.Tensor], ref: Dict[str, torch.Tensor], name: str,
                    source: str) -> None:
    """Stage widths and depths of a facebookresearch / DINOv3 ConvNeXt (timm's filter reshapes
    its linear layers to the model's shapes, which fails without naming them)."""
    for stage in range(4):
        theirs = 'downsample_layers.0.0.weight' if stage == 0 else \
            f'downsample_layers.{stage}.1.weight'
        ours = 'stem.0.weight' if stage == 0 else f'stages.{stage}.downsample.1.weight'
        if theirs in state and ours in ref and state[theirs].shape != ref[ours].shape:
            raise ValueError(f'{source} (convnext layout): width mismatch at {theirs!r} (timm '
                             f'{ours!r}): checkpoint {tuple(state[theirs].shape)}, {name} '
                             f'{tuple(ref[ours].shape)}; pick the model_name of that size (or '
                             'set backbone.dims)')
        got = _num_blocks('blocks.' + k[len(f'stages.{stage}.'):] for k in state
                          if k.startswith(f'stages.{stage}.'))
        want = _num_blocks(k[len(f'stages.{stage}.'):] for k in ref
                           if k.startswith(f'stages.{stage}.'))
        if got != want:
            raise ValueError(f'{source} (convnext layout): depth mismatch in stage {stage}: the '
                             f'checkpoint has {got} blocks, {name} {want} (first unmatched: '
                             f'\'stages.{stage}.{min(got, want)}\'); pick the model_name of that '
                             'size (or set backbone.depths)')


def _dinov3_qkv_bias(state: Dict[str, torch.Tensor], ref: Dict[str, torch.Tensor],
                     name: str, source: str) -> Dict[str, torch.Tensor]:
    """DINOv3 stores ``attn.qkv.bias`` (its k third masked to zero by ``bias_mask``). timm's
    ``*_dinov3`` models have no q / v bias (the released ones are zero) and its filter drops the
    bias for them: refuse that when the q / v bias is not zero (``*_dinov3_qkvb`` keeps it)."""
    state = dict(state)
    for key in [k for k in state if k.endswith('attn.qkv.bias')]:
        if key.replace('qkv.bias', 'q_bias') in ref:
            continue  # timm splits it into q_bias / v_bias
        q, _, v = state[key].chunk(3, dim=-1)
        if q.abs().max() > 0 or v.abs().max() > 0:
            raise ValueError(f'{source} (dinov3 layout): {key!r} has a non-zero q / v bias and '
                             f'{name} has none; use its _qkvb variant (e.g. '
                             'vit_small_patch16_dinov3_qkvb)')
        del state[key]  # all zero: the model without the bias computes the same
    return state


def _check_rope(state: Dict[str, torch.Tensor], model: nn.Module, name: str,
                source: str) -> None:
    """The checkpoint's RoPE periods (``rope_embed.periods``: not learned, so timm recomputes
    them and drops the file's) must be the model's own, or every attention layer would rotate
    by other angles than the ones it was trained with."""
    key = 'rope_embed.periods'
    own = dict(model.named_buffers()).get('rope.periods')
    if key not in state or own is None:
        return
    got = state[key].float().flatten()
    if got.shape != own.shape or not torch.allclose(got, own.float().cpu(), rtol=1e-4):
        raise ValueError(f'{source} (dinov3 layout): {key!r} {got[:4].tolist()}... differs from '
                         f'the RoPE periods of {name} {own[:4].tolist()}...: the model must use '
                         "the checkpoint's RoPE base / min-max periods (timm's rope_temperature "
                         'and rope settings of that model_name)')


def _filter_fn(model: nn.Module):
    """The ``checkpoint_filter_fn`` of the timm module that defines ``model``'s class, if any."""
    return getattr(sys.modules.get(type(model).__module__), 'checkpoint_filter_fn', None)


def to_timm_state(state_dict: Dict[str, torch.Tensor],
                  model: nn.Module,
                  reference: nn.Module,
                  name: str = 'the model',
                  source: str = 'checkpoint') -> Tuple[OrderedDict, str]:
    """Map a public checkpoint to the keys of a (possibly pruned) timm model.

    Args:
        state_dict (dict): The checkpoint's state dict, in any of :data:`TIMM_LAYOUTS` under any
            of :data:`TIMM_PREFIXES`; keys outside the backbone's prefix are ignored.
        model (nn.Module): The timm model to load, as the backbone holds it (pruned).
        reference (nn.Module): The same architecture unpruned, classifier included (on the meta
            device is enough: only names and shapes are read).
        name (str): The model's name, for messages. Defaults to 'the model'.
        source (str): The checkpoint's name, for messages. Defaults to 'checkpoint'.

    Returns:
        tuple[OrderedDict, str]: ``model``'s keys -> tensors (every key of ``model.state_dict()``),
        and the detected layout.

    Raises:
        ValueError: If no backbone is found, or a size, a key or a register does not fit; the
            message names the key.
    """
    prefix = timm_prefix(state_dict)
    if prefix is None:
        raise ValueError(f'{source}: no ViT or ConvNeXt backbone found (expected one of '
                         f'{", ".join(_ANCHORS)} under one of the prefixes {TIMM_PREFIXES}); '
                         f'first keys: {", ".join(list(state_dict)[:5])}')
    state = {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}
    layout = detect_timm_layout(state)
    ref = reference.state_dict()
    _check_before_renaming(state, ref, layout, name, source)
    if layout == 'dinov3':
        _check_rope(state, model, name, source)
        state = _dinov3_qkv_bias(state, ref, name, source)
    filter_fn = _filter_fn(reference)
    if filter_fn is not None:
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # eva's filter prints skipped biases
                state = filter_fn(dict(state), reference)
        except Exception as err:  # the filters index and reshape freely: name the file
            raise ValueError(f'{source} ({layout} layout): timm\'s checkpoint_filter_fn could not '
                             f'map it to {name}: {err!r}') from err
    own = model.state_dict()
    classifier = reference.pretrained_cfg.get('classifier') if hasattr(
        reference, 'pretrained_cfg') else None
    out, unexpected = OrderedDict(), []
    for key, value in state.items():
        if classifier and key.startswith(f'{classifier}.'):
            continue  # a classifier of any size (the models are built without one)
        if key in own:
            if tuple(value.shape) != tuple(own[key].shape):
                raise ValueError(f'{source} ({layout} layout): shape mismatch at {key!r} (timm '
                                 f'name): checkpoint {tuple(value.shape)}, {name} '
                                 f'{tuple(own[key].shape)}')
            out[key] = value
        elif key not in ref:  # keys in ref only: layers the backbone pruned, the classifier
            unexpected.append(key)
    if unexpected:
        raise ValueError(f'{source} ({layout} layout): checkpoint key {unexpected[0]!r} (timm '
                         f'name) has no place in {name} ({len(unexpected)} such keys)')
    missing = [k for k in own if k not in out]
    if missing:
        raise ValueError(f'{source} ({layout} layout): {name} key {missing[0]!r} is not in the '
                         f'checkpoint ({len(missing)} missing)')
    return out, layout
