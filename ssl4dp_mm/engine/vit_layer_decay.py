"""Layer-wise learning-rate decay for fine-tuning MMSeg's ``VisionTransformer``.

MMSeg 1.2.2's ``LearningRateDecayOptimizerConstructor`` (and its deprecated alias
``LayerDecayOptimizerConstructor``) implements BEiT's rule but accepts only backbones whose class
name contains ``BEiT``, ``MAE`` or ``ConvNeXt``; with ``VisionTransformer`` it raises
``NotImplementedError``. This constructor applies the same rule, with MMSeg's own layer numbering
for ViT names (``get_layer_id_for_vit``), to ``VisionTransformer``::

    optim_wrapper = dict(
        type='OptimWrapper',
        optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
        constructor='ViTLayerDecayOptimWrapperConstructor',
        paramwise_cfg=dict(num_layers=12, decay_rate=0.65))
"""
from typing import List

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


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class ViTLayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """BEiT's layer-wise lr decay (Bao et al., 2022, https://arxiv.org/abs/2106.08254) for MMSeg's
    ``VisionTransformer``.

    A parameter at depth ``d`` (:func:`vit_layer_id`) gets ``lr * decay_rate ** (L + 1 - d)``: the
    decode head and the final norm the base lr, the last transformer layer ``decay_rate`` times it,
    the patch and position embeddings and the class token ``decay_rate ** (L + 1)``. One-dimensional
    parameters (norms, biases), ``pos_embed`` and ``cls_token`` get no weight decay, the others the
    optimizer's. Frozen parameters are left out. Each group carries ``lr_scale``, ``group_name`` and
    ``param_names`` (as MMSeg's constructor's), so a log shows the assignment.

    Args:
        optim_wrapper_cfg (dict): The ``optim_wrapper`` config.
        paramwise_cfg (dict): ``num_layers`` (int, the backbone's transformer layers) and
            ``decay_rate`` (float, e.g. 0.65).
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
        backbone_layers = getattr(getattr(module, 'backbone', None), 'layers', None)
        if backbone_layers is not None and len(backbone_layers) != num_layers:
            raise ValueError(f'paramwise_cfg.num_layers={num_layers} but the backbone has '
                             f'{len(backbone_layers)} layers')
        groups = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            no_decay = (param.ndim == 1 or name.endswith('.bias')
                        or name.split('.')[-1] in ('pos_embed', 'cls_token'))
            layer_id = vit_layer_id(name, num_layers)
            group_name = f'layer_{layer_id}_{"no_decay" if no_decay else "decay"}'
            if group_name not in groups:
                scale = decay_rate**(num_layers + 1 - layer_id)
                groups[group_name] = dict(
                    params=[], param_names=[], group_name=group_name, lr_scale=scale,
                    lr=scale * self.base_lr, weight_decay=0. if no_decay else self.base_wd)
            groups[group_name]['params'].append(param)
            groups[group_name]['param_names'].append(name)
        params.extend(groups.values())
