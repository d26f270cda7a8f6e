"""Frozen features of any of our checkpoints, shared by evaluation and analysis: the model that
returns every layer (:mod:`.feature_model`), labelled images in MMSeg's layout
(:mod:`.labelled_images`) or of any dataset with a segmentation config (:mod:`.config_images`),
and a layer read at given pixels (:mod:`.at_pixels`).

Neither :mod:`ssl4dp_mm.evaluation` nor :mod:`ssl4dp_mm.analysis` is imported here: both build on
this package.
"""
from .at_pixels import features_at_pixels
from .config_images import images_from_config
from .feature_model import (DECODER, LayerFeatureModel, build_feature_model, describe_source,
                            load_feature_weights)
from .labelled_images import LabelledImages, dataset_meta, find_labelled_images

__all__ = [
    'features_at_pixels', 'DECODER', 'LayerFeatureModel', 'build_feature_model',
    'describe_source', 'load_feature_weights', 'LabelledImages', 'dataset_meta',
    'find_labelled_images', 'images_from_config'
]
