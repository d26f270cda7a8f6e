"""The old import path of :mod:`ssl4dp_mm.features.labelled_images`, kept for code that still
imports it from here."""
from ..features.labelled_images import LabelledImages, dataset_meta, find_labelled_images

__all__ = ['LabelledImages', 'dataset_meta', 'find_labelled_images']
