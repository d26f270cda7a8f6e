from .dense_projector import DenseProjector

__all__ = ['DenseProjector']
