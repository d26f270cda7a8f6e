"""Continued pre-training ("MoCo-v2 + X"): loaded parameters warm up, new ones follow the schedule.

Two pieces that a config uses together::

    optim_wrapper = dict(
        constructor='ContinuedPretrainOptimWrapperConstructor',
        optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
        paramwise_cfg=dict(init_checkpoint='work_dirs/mocov2/iter_300.pth'))
    param_scheduler = [dict(type='ContinuedPretrainCosineLR', T_max=300, by_epoch=False,
                            begin=0, end=300)]

The constructor loads the image-level checkpoint's backbone (any layout of
:mod:`ssl4dp_mm.checkpoints.layouts`: facebookresearch/moco, torchvision, MMSelfSup, ours)
into the model and tags every parameter group ``loaded=True/False``; the scheduler gives the two
kinds their learning rates.
"""
import math
from typing import Optional, Sequence, Set

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler
from mmengine.registry import OPTIM_WRAPPERS, OPTIMIZERS
from mmselfsup.registry import OPTIM_WRAPPER_CONSTRUCTORS, PARAM_SCHEDULERS

from ..checkpoints.convert import stem_kind
from ..checkpoints.layouts import (state_dict_of, to_backbone_layout, to_timm_backbone_layout,
                                   variant_name)
from ..checkpoints.safe_io import load_checkpoint_file
from ..checkpoints.vit_layouts import fit_vit, vit_grid


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class ContinuedPretrainOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Load an image-level checkpoint into the model and tag the parameter groups it filled.

    ``paramwise_cfg`` takes, besides every option of ``DefaultOptimWrapperConstructor``
    (``custom_keys``, ``norm_decay_mult``, ...):

    - ``init_checkpoint`` (str, required): the local checkpoint file to continue from, in any
      layout of :mod:`ssl4dp_mm.checkpoints.layouts`: facebookresearch/moco
      (``state_dict`` with ``module.encoder_q.*``; ``fc.*``, the key encoder and the queue are
      dropped), torchvision (bare ``conv1.weight``, ``layer1.*``; ``fc.*`` dropped), MMSelfSup's
      model zoo or our own runs (``backbone.*``), a timm ViT or DINO's released backbone (bare
      ``blocks.N.*``, ``patch_embed.proj.*``), DINO's training checkpoint (its ``teacher``), the
      ViTs mapped to MMSeg's ``VisionTransformer`` names; for a ``TimmDenseBackbone`` the
      backbone maps it (DINOv2, DINOv3, ConvNeXt, timm: :mod:`ssl4dp_mm.checkpoints.timm_layouts`).
      It is read with
      :func:`ssl4dp_mm.checkpoints.load_checkpoint_file` (``weights_only=True``).
    - ``checkpoint_prefixes`` (sequence of str): which of its keys to load. Defaults to
      ``('backbone.',)``.

    Loading is strict under the prefixes: a model key there that the checkpoint lacks, a checkpoint
    key the model lacks, another shape, or a plain-stem ResNet checkpoint (the three public
    layouts) for a deep-stem ``ResNetV1c`` model (or the reverse) raises a ``ValueError`` that
    names the key, the file and, for a stem mismatch, the backbone variant to use (e.g.
    ``r50b-d8``); for a ViT, a depth, width, patch-size, final-norm or patch-bias mismatch is named
    with the backbone setting to change, and a ``pos_embed`` for another grid is resized to the
    model's (``ssl4dp_mm.checkpoints.vit_layouts.fit_vit``).
    The filled sub-modules are marked initialised (``is_init = True``), so the runner's
    ``init_weights``, which comes after the optimizer is built, does not overwrite them.

    Every trainable parameter gets its own group (as with any ``paramwise_cfg``), tagged
    ``loaded=True`` if the checkpoint filled it and ``loaded=False`` otherwise (decoder,
    projectors), for :class:`ContinuedPretrainCosineLR`. Frozen parameters (the momentum encoder)
    are not given to the optimizer.

    Args:
        optim_wrapper_cfg (dict): The ``optim_wrapper`` config.
        paramwise_cfg (dict, optional): See above. Defaults to None (which fails: the checkpoint
            is required).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None) -> None:
        paramwise_cfg = dict(paramwise_cfg or {})
        self.init_checkpoint = paramwise_cfg.pop('init_checkpoint', None)
        if not self.init_checkpoint:
            raise ValueError('ContinuedPretrainOptimWrapperConstructor needs '
                             'optim_wrapper.paramwise_cfg.init_checkpoint (the image-level '
                             'checkpoint to continue from)')
        prefixes = paramwise_cfg.pop('checkpoint_prefixes', ('backbone.', ))
        self.checkpoint_prefixes = (prefixes, ) if isinstance(prefixes, str) else tuple(prefixes)
        super().__init__(optim_wrapper_cfg, paramwise_cfg)

    def load_weights(self, model: nn.Module) -> Set[str]:
        """Copy the checkpoint's weights under the prefixes into ``model``.

        Returns:
            set[str]: The names of the parameters it filled.
        """
        path, prefixes = self.init_checkpoint, self.checkpoint_prefixes
        state = state_dict_of(load_checkpoint_file(path))
        # a backbone that maps checkpoints itself (TimmDenseBackbone: DINOv2, DINOv3, ConvNeXt)
        mapped, hint = to_timm_backbone_layout(state, model, prefixes, path), ''
        if mapped is not None:
            state, layout = mapped
        else:
            try:
                state, layout = to_backbone_layout(state)
            except ValueError as err:  # not a known layout: the prefix check below names the keys
                layout, hint = 'unrecognised', f' ({err})'
        self.layout = layout
        src = {k: v for k, v in state.items() if k.startswith(prefixes)}
        if not src:
            raise ValueError(f'{path} ({layout} layout): no key starts with {prefixes}; first '
                             f'keys: {", ".join(list(state)[:5])}{hint}')
        own = model.state_dict()
        for prefix in prefixes:
            ckpt_stem, model_stem = stem_kind(src, prefix), stem_kind(own, prefix)
            if ckpt_stem and model_stem and ckpt_stem != model_stem:
                module = model.get_submodule(prefix.rstrip('.'))
                use = variant_name(ckpt_stem, getattr(module, 'depth', None),
                                   getattr(module, 'strides', None))
                backbone_type = ("type='mmseg.ResNet'" if ckpt_stem == 'plain' else
                                 "type='mmseg.ResNetV1c'")
                raise ValueError(
                    f'{path}: stem mismatch under {prefix!r}: the checkpoint ({layout} layout) '
                    f'has a {ckpt_stem}-stem ResNet, the model a {model_stem}-stem one, so the '
                    f'stem would stay random. Use the {use} variant (backbone {backbone_type}, '
                    f'configs/_base_/models/{use}.py; e.g. the *_{use}-*_from-mocov2.py configs) '
                    'in pre-training and segmentation')
            src = fit_vit(src, own, vit_grid(model.get_submodule(prefix.rstrip('.'))), prefix,
                          path)
        expected = {k for k in own if k.startswith(prefixes)}
        missing = sorted(k for k in expected - set(src) if not k.endswith('num_batches_tracked'))
        unexpected = sorted(set(src) - expected)
        if missing or unexpected:
            first = (f'model key {missing[0]!r} is not in the checkpoint' if missing else
                     f'checkpoint key {unexpected[0]!r} is not in the model')
            raise ValueError(f'{path} does not fit the model under {prefixes}: {first} '
                             f'({len(missing)} missing, {len(unexpected)} unexpected)')
        for k, v in src.items():
            if tuple(v.shape) != tuple(own[k].shape):
                raise ValueError(f'{path}: shape mismatch at {k!r}: checkpoint {tuple(v.shape)} vs '
                                 f'model {tuple(own[k].shape)}')
        model.load_state_dict(src, strict=False)
        for prefix in prefixes:
            module = model.get_submodule(prefix.rstrip('.'))
            if hasattr(module, 'is_init'):
                module.is_init = True  # keep the loaded weights through the runner's init_weights
        return {name for name, _ in model.named_parameters() if name in src}

    def __call__(self, model: nn.Module) -> OptimWrapper:
        if hasattr(model, 'module'):
            model = model.module
        loaded = self.load_weights(model)
        params = [dict(params=[p]) for p in model.parameters(recurse=False) if p.requires_grad]
        for name, child in model.named_children():
            # one group per parameter, honouring paramwise_cfg; fully frozen children (the momentum
            # encoder) are left out here rather than warned about parameter by parameter
            if any(p.requires_grad for p in child.parameters()):
                self.add_params(params, child, prefix=name)
        names = {id(p): n for n, p in model.named_parameters()}
        for group in params:
            group['loaded'] = all(names[id(p)] in loaded for p in group['params'])
        optimizer_cfg = self.optimizer_cfg.copy()
        optimizer_cfg['params'] = params
        optimizer = OPTIMIZERS.build(optimizer_cfg)
        optim_wrapper_cfg = self.optim_wrapper_cfg.copy()
        optim_wrapper_cfg.setdefault('type', 'OptimWrapper')
        return OPTIM_WRAPPERS.build(optim_wrapper_cfg, default_args=dict(optimizer=optimizer))


@PARAM_SCHEDULERS.register_module()
class ContinuedPretrainCosineLR(LRSchedulerMixin, _ParamScheduler):
    r"""Cosine decay for new parameters; a cosine rise, capped by that decay, for loaded ones.

    With ``t`` the steps since ``begin``, ``T = T_max``, ``R = rise_iters`` and ``b`` a group's
    initial lr (times its ``lr_mult``):

    .. math::
        m(t) = \rho b + (1 - \rho) b \frac{1 + \cos(\pi \min(t, T) / T)}{2}, \qquad
        w(t) = b \left(s + (1 - s) \frac{1 - \cos(\pi \min(t, R) / R)}{2}\right)

    with ``rho = eta_min_ratio`` and ``s = start_factor``. Groups tagged ``loaded=False`` get
    ``m(t)`` (the main schedule, e.g. 0.02 decayed to 0.002); groups tagged ``loaded=True`` get
    ``min(w(t), m(t))``: they start at ``s * b`` and rise along a cosine towards ``b``, and switch
    to the main schedule once they would exceed it (with ``R = T`` and ``s = rho`` the curves cross
    at ``t = T / 2``). The tags come from :class:`ContinuedPretrainOptimWrapperConstructor`. The
    value is computed in closed form from the initial lr, so do not chain it with another lr
    scheduler over the same steps.

    Args:
        optimizer (Optimizer | OptimWrapper): Optimizer whose groups carry the ``loaded`` tag.
        T_max (int, optional): Length of the main cosine. Defaults to None (``end - begin``).
        eta_min_ratio (float): Final lr of the main schedule, as a fraction of the initial lr.
            Defaults to 0.1.
        start_factor (float): Initial lr of loaded parameters, as a fraction of the initial lr.
            Defaults to 0.1.
        rise_iters (int, optional): Length of the rising cosine. Defaults to None (``T_max``).
        begin (int): Step at which the schedule starts. Defaults to 0.
        end (int): Step at which it stops. Defaults to INF.
        last_step (int): Index of the last step, for resuming. Defaults to -1.
        by_epoch (bool): Whether steps are epochs. Defaults to True.
        verbose (bool): Print every update. Defaults to False.
    """

    def __init__(self,
                 optimizer,
                 T_max: Optional[int] = None,
                 eta_min_ratio: float = 0.1,
                 start_factor: float = 0.1,
                 rise_iters: Optional[int] = None,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False) -> None:
        if not any('loaded' in g for g in optimizer.param_groups):
            raise ValueError('ContinuedPretrainCosineLR: no parameter group carries a "loaded" '
                             "tag; build the optimizer with optim_wrapper.constructor="
                             "'ContinuedPretrainOptimWrapperConstructor'")
        self.T_max = T_max or (end - begin)
        self.rise_iters = rise_iters or self.T_max
        if self.T_max == INF or self.T_max <= 0 or self.rise_iters <= 0:
            raise ValueError('ContinuedPretrainCosineLR: give T_max (or a finite end) and a '
                             f'positive rise_iters, got T_max={T_max}, end={end}, '
                             f'rise_iters={rise_iters}')
        self.eta_min_ratio = eta_min_ratio
        self.start_factor = start_factor
        super().__init__(optimizer, begin=begin, end=end, last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, T_max=None, rise_iters=None, begin=0, end=INF,
                              by_epoch=True, epoch_length=None, **kwargs):
        """Build an iter-based instance from epoch-based lengths."""
        assert by_epoch, 'Only epoch-based kwargs whose `by_epoch=True` can be converted'
        assert epoch_length is not None and epoch_length > 0, \
            f'`epoch_length` must be a positive integer, but got {epoch_length}.'
        T_max = T_max * epoch_length if T_max is not None else None
        rise_iters = rise_iters * epoch_length if rise_iters is not None else None
        end = end * epoch_length if end != INF else INF
        return cls(*args, T_max=T_max, rise_iters=rise_iters, begin=begin * epoch_length,
                   end=end, by_epoch=False, **kwargs)

    def main_factor(self, t: int) -> float:
        """``m(t) / b``."""
        t = min(t, self.T_max)
        return self.eta_min_ratio + (1 - self.eta_min_ratio) * (
            1 + math.cos(math.pi * t / self.T_max)) / 2

    def rise_factor(self, t: int) -> float:
        """``w(t) / b``."""
        t = min(t, self.rise_iters)
        return self.start_factor + (1 - self.start_factor) * (
            1 - math.cos(math.pi * t / self.rise_iters)) / 2

    def _get_value(self) -> Sequence[float]:
        t = self.last_step
        main, rise = self.main_factor(t), self.rise_factor(t)
        return [
            base * (min(rise, main) if group.get('loaded', False) else main)
            for base, group in zip(self.base_values, self.optimizer.param_groups)
        ]
