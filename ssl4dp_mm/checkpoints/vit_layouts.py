"""Public ViT checkpoints (timm names, DINO's layouts) mapped to MMSeg's ``VisionTransformer``.

timm's ``VisionTransformer`` names, which DINO's released backbone weights
(``dino_deitsmall16_pretrain.pth``, ...) use too, and MMSeg's, as ``vit2mmseg.py``
(``mmseg/.mim/tools/model_converters/``) maps them:

=================================== ==============================================
timm / DINO                         MMSeg ``VisionTransformer``
=================================== ==============================================
``cls_token``, ``pos_embed``        the same (``pos_embed`` resized to the model's grid)
``patch_embed.proj.{weight,bias}``  ``patch_embed.projection.{weight,bias}``
``blocks.N.norm1`` / ``norm2``      ``layers.N.ln1`` / ``ln2``
``blocks.N.attn.qkv.{weight,bias}`` ``layers.N.attn.attn.in_proj_{weight,bias}``
``blocks.N.attn.proj``              ``layers.N.attn.attn.out_proj``
``blocks.N.mlp.fc1`` / ``fc2``      ``layers.N.ffn.layers.0.0`` / ``ffn.layers.1``
``norm``                            ``ln1`` (the model needs ``final_norm=True``)
``head``, ``fc_norm``, ``head_drop`` dropped (classifier / pooled-token norm)
=================================== ==============================================

timm's fused ``qkv`` is ``Linear(D, 3D)`` with rows ``[q; k; v]``, exactly the order of
``nn.MultiheadAttention.in_proj_weight``, so it is copied as it is. A block key without an MMSeg
counterpart (``ls1.gamma`` of LayerScale models such as DINOv2) raises instead of being dropped,
pointing at ``TimmDenseBackbone`` (:mod:`ssl4dp_mm.checkpoints.timm_layouts`), which loads those.

Layouts: ``timm`` (bare keys: timm state dicts and DINO's released backbones) and ``dino`` (DINO's
training checkpoint ``checkpoint.pth``: the ``teacher`` state dict, ``backbone.*``, as DINO's own
evaluation reads it; a ``student`` one is ``module.backbone.*``).
"""
import math
import re
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

#: key prefixes under which the ViT of each layout lies (bare or DataParallel's module.: timm;
#: backbone. (teacher) and module.backbone. (student): DINO's training checkpoint)
VIT_PREFIXES = {'': 'timm', 'module.': 'timm', 'backbone.': 'dino', 'module.backbone.': 'dino'}
_DROPPED = ('head.', 'head_drop.', 'fc_norm.', 'mask_token')  # no place in a dense backbone
_BLOCK_RENAMES = (
    ('norm1.', 'ln1.'),
    ('norm2.', 'ln2.'),
    ('attn.qkv.', 'attn.attn.in_proj_'),
    ('attn.proj.', 'attn.attn.out_proj.'),
    ('mlp.fc1.', 'ffn.layers.0.0.'),
    ('mlp.fc2.', 'ffn.layers.1.'),
)


def is_timm_vit(keys, prefix: str = '') -> bool:
    """Whether ``keys`` hold a timm-named ViT under ``prefix``."""
    keys = set(keys)
    return (f'{prefix}patch_embed.proj.weight' in keys
            and any(k.startswith(f'{prefix}blocks.') for k in keys))


def vit_prefix(keys) -> Optional[str]:
    """The prefix of the timm-named ViT in ``keys`` ('' for bare keys), or None if there is none."""
    keys = set(keys)
    for prefix in VIT_PREFIXES:
        if is_timm_vit(keys, prefix):
            return prefix
    return None


def timm_key_to_mmseg(key: str) -> Optional[str]:
    """One timm/DINO ViT key (without prefix) -> its MMSeg ``VisionTransformer`` name; None for
    keys that are dropped (classifier, pooled-token norm, mask token).

    Raises:
        ValueError: For a key with no MMSeg counterpart, naming it.
    """
    if key.startswith(_DROPPED):
        return None
    if key in ('cls_token', 'pos_embed'):
        return key
    if key.startswith('patch_embed.proj.'):
        return 'patch_embed.projection.' + key[len('patch_embed.proj.'):]
    if key.startswith('norm.'):
        return 'ln1.' + key[len('norm.'):]
    match = re.fullmatch(r'blocks\.(\d+)\.(.+)', key)
    if match:
        index, rest = match.groups()
        for old, new in _BLOCK_RENAMES:
            if rest.startswith(old):
                return f'layers.{index}.{new}{rest[len(old):]}'
    raise ValueError(f'ViT checkpoint key {key!r} has no counterpart in MMSeg\'s VisionTransformer '
                     '(LayerScale, register or distillation tokens are not supported); DINOv2 / '
                     'DINOv3 checkpoints load into backbone type=\'mmseg.TimmDenseBackbone\' '
                     '(configs/_base_/models/timm_vit-s14-dinov2.py)')


def timm_to_mmseg(state_dict: Dict[str, torch.Tensor], prefix: str = '') -> OrderedDict:
    """The ViT under ``prefix`` in MMSeg's names, under ``backbone.``; other keys are dropped.

    Args:
        state_dict (dict): A timm-named ViT state dict (DINO's: ``prefix='backbone.'``).
        prefix (str): Where the ViT's keys start. Defaults to ''.

    Returns:
        OrderedDict: ``backbone.<MMSeg name>`` -> tensor.
    """
    out = OrderedDict()
    for k, v in state_dict.items():
        if not k.startswith(prefix):
            continue
        new = timm_key_to_mmseg(k[len(prefix):])
        if new is not None:
            out['backbone.' + new] = v
    return out


def num_layers_of(keys, prefix: str = 'backbone.') -> int:
    """Number of transformer layers (``<prefix>layers.N.*``) among MMSeg-named keys."""
    pattern = re.compile(re.escape(prefix) + r'layers\.(\d+)\.')
    found = {int(m.group(1)) for m in map(pattern.match, keys) if m}
    return max(found) + 1 if found else 0


def resize_pos_embed(pos_embed: torch.Tensor, grid: Tuple[int, int]) -> torch.Tensor:
    """A square-grid position embedding (1x(1+s*s)xD, class token first) resized to ``grid``
    (bicubic, as MMSeg's ``VisionTransformer.resize_pos_embed``) -> 1x(1+h*w)xD."""
    n = pos_embed.shape[1] - 1
    side = int(round(math.sqrt(n)))
    if side * side != n:
        raise ValueError(f'pos_embed has {n} patch positions, not a square grid')
    cls_pos, grid_pos = pos_embed[:, :1], pos_embed[:, 1:]
    grid_pos = grid_pos.reshape(1, side, side, -1).permute(0, 3, 1, 2)  # 1xDxsxs
    grid_pos = F.interpolate(grid_pos.float(), size=tuple(grid), mode='bicubic',
                             align_corners=False).to(pos_embed.dtype)  # 1xDxhxw
    return torch.cat([cls_pos, grid_pos.flatten(2).transpose(1, 2)], dim=1)


def fit_vit(state: Dict[str, torch.Tensor],
            model_state: Dict[str, torch.Tensor],
            grid: Optional[Sequence[int]] = None,
            prefix: str = 'backbone.',
            source: str = 'checkpoint') -> Dict[str, torch.Tensor]:
    """Check that an MMSeg-named ViT fits a model's ViT, and resize its position embedding.

    Size mismatches are named by what differs, with the config key to change: depth
    (``num_layers``), width (``embed_dims``), patch size (``patch_size``), the final norm
    (``final_norm``), the patch-embedding bias (``patch_bias``). A ``pos_embed`` for another grid
    (e.g. a 224 px checkpoint for a model with ``img_size=512``) is resized to ``grid`` bicubically;
    the model still interpolates it to every input size at run time.

    Args:
        state (dict): MMSeg-named keys (``<prefix>layers.N...``), e.g. from :func:`timm_to_mmseg`.
        model_state (dict): The model's ``state_dict()``.
        grid (Sequence[int], optional): The model's position grid ``(h, w)``
            (``img_size // patch_size``); None: no resizing. Defaults to None.
        prefix (str): Where the ViT's keys start in both. Defaults to 'backbone.'.
        source (str): The checkpoint's name for messages. Defaults to 'checkpoint'.

    Returns:
        dict: ``state`` with ``pos_embed`` resized where needed (a new dict; others shared).

    Raises:
        ValueError: Naming the key and the setting when a size does not fit.
    """
    state = dict(state)
    if f'{prefix}patch_embed.projection.weight' not in model_state:
        return state  # not a ViT model: the generic key checks apply
    depth, model_depth = num_layers_of(state, prefix), num_layers_of(model_state, prefix)
    if depth and depth != model_depth:
        key = f'{prefix}layers.{min(depth, model_depth)}'
        raise ValueError(f'{source}: depth mismatch: the checkpoint has {depth} transformer '
                         f'layers, the model {model_depth} (first unmatched: {key!r}); set '
                         f'backbone.num_layers={depth}')
    proj = f'{prefix}patch_embed.projection.weight'
    if proj in state:
        got, want = tuple(state[proj].shape), tuple(model_state[proj].shape)
        if got[0] != want[0]:
            raise ValueError(f'{source}: width mismatch at {proj!r}: checkpoint embed_dims '
                             f'{got[0]}, model {want[0]}; set backbone.embed_dims={got[0]} '
                             '(and num_heads to match)')
        if got[2:] != want[2:]:
            raise ValueError(f'{source}: patch size mismatch at {proj!r}: checkpoint '
                             f'{got[2]}x{got[3]}, model {want[2]}x{want[3]}; set '
                             f'backbone.patch_size={got[2]}')
    for key, setting in ((f'{prefix}ln1.weight', 'final_norm'),
                         (f'{prefix}patch_embed.projection.bias', 'patch_bias')):
        if (key in state) != (key in model_state):
            has = 'has' if key in state else 'lacks'
            raise ValueError(f'{source} {has} {key!r} and the model does not match it; set '
                             f'backbone.{setting}={key in state}')
    pos = f'{prefix}pos_embed'
    if pos in state and pos in model_state and state[pos].shape != model_state[pos].shape:
        if state[pos].shape[-1] != model_state[pos].shape[-1]:
            raise ValueError(f'{source}: width mismatch at {pos!r}: checkpoint '
                             f'{tuple(state[pos].shape)}, model {tuple(model_state[pos].shape)}')
        if grid is None:
            raise ValueError(f'{source}: {pos!r} is {tuple(state[pos].shape)}, the model\'s '
                             f'{tuple(model_state[pos].shape)}, and no grid was given to resize it')
        state[pos] = resize_pos_embed(state[pos], grid)
    return state


def vit_grid(backbone) -> Optional[Tuple[int, int]]:
    """The position grid ``(h, w)`` of an MMSeg ``VisionTransformer`` module (None for others)."""
    if not hasattr(backbone, 'pos_embed') or not hasattr(backbone, 'img_size'):
        return None
    patch = backbone.patch_size
    return backbone.img_size[0] // patch, backbone.img_size[1] // patch
