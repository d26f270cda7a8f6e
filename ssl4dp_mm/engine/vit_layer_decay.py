"""Layer-wise learning-rate decay for fine-tuning MMSeg's ``VisionTransformer`` and timm backbones.

MMSeg 1.2.2's ``LearningRateDecayOptimizerConstructor`` (and its deprecated alias
``LayerDecayOptimizerConstructor``) implements BEiT's rule but accepts only backbones whose class
name contains ``BEiT``, ``MAE`` or ``ConvNeXt``; with ``VisionTransformer`` it raises
``NotImplementedError``. This constructor applies the same rule, with MMSeg's own layer numbering
for ViT names (``get_layer_id_for_vit``), to ``VisionTransformer``, and with timm's own grouping
(the model's ``group_matcher``, as timm's ``param_groups_layer_decay``) to a
``TimmDenseBackbone`` (DINOv2 / DINOv3 ViTs, ConvNeXt)::

    optim_wrapper = dict(
        type='OptimWrapper',
        optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
        constructor='ViTLayerDecayOptimWrapperConstructor',
        paramwise_cfg=dict(num_layers=12, decay_rate=0.65))
"""
from typing import Callable, List

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor
from mmseg.engine.optimizers.layer_decay_optimizer_constructor import get_layer_id_for_vit
from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS


def vit_layer_id(name: str, num_layers: int) -> int:
    """The depth of a parameter for lr decay: 0 for ``backbone.cls_token``, ``pos_embed`` and
    ``patch_embed``; ``i + 1`` for ``backbone.layers.i``; ``num_layers + 1`` for everything else
    (the final norm ``backbone.ln1``, the decode head).

    Args:
        name (str): Parameter name in the segmentation model (``backbone.layers.3.ln1.weight``).
        num_layers (int): Transformer layers of the backbone.
    """
    return get_layer_id_for_vit(name, num_layers + 2)  # MMSeg's numbering (its max id is L + 2)


def timm_layer_ids(model: nn.Module, coarse: bool = False) -> dict:
    """The depth of each parameter of a timm model by its own ``group_matcher``: 0 for the stem
    (patch / position embeddings, tokens), then one per block (ViT; the final norm with the last
    block, as timm groups it) or per stage with ``coarse`` (ConvNeXt: stages 1-4, the final norm
    above them).

    Args:
        model (nn.Module): The timm model (``TimmDenseBackbone.model``).
        coarse (bool): timm's coarse grouping (stages) instead of blocks. Defaults to False.

    Returns:
        dict: timm parameter name -> depth, 0 to the number of groups - 1.
    """
    from timm.models._manipulate import group_parameters
    if not hasattr(model, 'group_matcher'):
        raise ValueError(f'{type(model).__name__} has no group_matcher: timm gives no layer '
                         'grouping for it')
    groups = group_parameters(model, model.group_matcher(coarse=coarse))
    return {name: depth for depth, names in enumerate(groups.values()) for name in names}


def _depth_rule(module: nn.Module, num_layers: int, coarse: bool) -> Callable[[str], int]:
    """name -> depth (0 .. num_layers + 1) for the backbone of ``module``; refuses a backbone whose
    depth is not ``num_layers``."""
    backbone = getattr(module, 'backbone', None)
    timm_model = getattr(backbone, 'model', None)
    if timm_model is not None and hasattr(timm_model, 'group_matcher'):
        ids = {'backbone.model.' + k: v for k, v in timm_layer_ids(timm_model, coarse).items()}
        found = max(ids.values())  # the groups above the stem
        if found != num_layers:
            raise ValueError(f'paramwise_cfg.num_layers={num_layers} but timm groups '
                             f'{type(timm_model).__name__} into {found} layers above its stem '
                             f'(coarse={coarse})')
        return lambda name: ids.get(name, num_layers + 1)
    layers = getattr(backbone, 'layers', None)
    if layers is not None and len(layers) != num_layers:
        raise ValueError(f'paramwise_cfg.num_layers={num_layers} but the backbone has '
                         f'{len(layers)} layers')
    return lambda name: vit_layer_id(name, num_layers)


# position embedding and tokens: no weight decay (MMSeg's ViT, timm's ``no_weight_decay()``)
NO_DECAY_NAMES = ('pos_embed', 'cls_token', 'reg_token')


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class ViTLayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """BEiT's layer-wise lr decay (Bao et al., 2022, https://arxiv.org/abs/2106.08254) for MMSeg's
    ``VisionTransformer`` and for timm backbones (``TimmDenseBackbone``).

    A parameter at depth ``d`` gets ``lr * decay_rate ** (L + 1 - d)``: the decode head the base lr
    (and, for MMSeg's ViT, its final norm), the last layer ``decay_rate`` times it, the stem (patch
    and position embeddings, class and register tokens) ``decay_rate ** (L + 1)``. Depths: MMSeg's
    ViT numbering (:func:`vit_layer_id`), or timm's grouping of the timm model
    (:func:`timm_layer_ids`; its ``L`` groups above the stem must equal ``num_layers``: 12 for a
    ViT-S/B, 5 for a ConvNeXt with ``timm_coarse``). One-dimensional parameters (norms, biases,
    layer scales), ``pos_embed``, ``cls_token`` and ``reg_token`` get no weight decay, the others
    the optimizer's. Frozen parameters are left out. Each group carries ``lr_scale``,
    ``group_name`` and ``param_names`` (as MMSeg's constructor's), so a log shows the assignment.

    Args:
        optim_wrapper_cfg (dict): The ``optim_wrapper`` config.
        paramwise_cfg (dict): ``num_layers`` (int, the backbone's layers above its stem),
            ``decay_rate`` (float, e.g. 0.65) and, for a timm backbone, ``timm_coarse`` (bool,
            timm's stage grouping; default False).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict = None) -> None:
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        missing = [k for k in ('num_layers', 'decay_rate') if k not in self.paramwise_cfg]
        if missing:
            raise ValueError(f'ViTLayerDecayOptimWrapperConstructor needs paramwise_cfg {missing}')

    def add_params(self, params: List[dict], module: nn.Module, **kwargs) -> None:
        """Put every trainable parameter of ``module`` into its (depth, decay) group."""
        num_layers = int(self.paramwise_cfg['num_layers'])
        decay_rate = float(self.paramwise_cfg['decay_rate'])
        depth_of = _depth_rule(module, num_layers, bool(self.paramwise_cfg.get('timm_coarse')))
        groups = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            no_decay = (param.ndim == 1 or name.endswith('.bias')
                        or name.split('.')[-1] in NO_DECAY_NAMES)
            layer_id = depth_of(name)
            group_name = f'layer_{layer_id}_{"no_decay" if no_decay else "decay"}'
            if group_name not in groups:
                scale = decay_rate**(num_layers + 1 - layer_id)
                groups[group_name] = dict(
                    params=[], param_names=[], group_name=group_name, lr_scale=scale,
                    lr=scale * self.base_lr, weight_decay=0. if no_decay else self.base_wd)
            groups[group_name]['params'].append(param)
            groups[group_name]['param_names'].append(name)
        params.extend(groups.values())
