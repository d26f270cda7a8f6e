"""Training machinery: optimizer constructors, parameter schedulers, hooks, atomic checkpoints."""
from . import hooks, safe_checkpoints  # noqa: F401  (hooks; atomic checkpoint writes, safe loading)
from .continued_pretrain import ContinuedPretrainCosineLR, ContinuedPretrainOptimWrapperConstructor
from .vit_layer_decay import ViTLayerDecayOptimWrapperConstructor

__all__ = [
    'ContinuedPretrainCosineLR', 'ContinuedPretrainOptimWrapperConstructor',
    'ViTLayerDecayOptimWrapperConstructor'
]
