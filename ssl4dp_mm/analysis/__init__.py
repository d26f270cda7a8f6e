"""Analysis of checkpoints: per-layer pixel features, t-SNE, linear separability, learning curves.

Imported on demand (``import ssl4dp_mm.analysis``), not by ``ssl4dp_mm`` itself: it needs
scikit-learn and matplotlib, which training does not. The command-line tools are in
``tools/analysis/``. The feature model, labelled images and the pixel read live in
:mod:`ssl4dp_mm.features` (shared with evaluation) and are re-exported here.
"""
from ..features import (LabelledImages, LayerFeatureModel, build_feature_model, dataset_meta,
                        features_at_pixels, find_labelled_images, images_from_config,
                        load_feature_weights)
from .collect import ModelSpec, collect_layers, load_split, parse_model_specs
from .curves import Run, load_run, plot_curves, read_scalars
from .features import extract_features, load_features, save_features
from .pixel_sampling import PixelSamples, sample_pixels
from .separability import format_markdown, linear_svm_accuracy, read_csv, write_csv
from .tsne import Panel, plot_panels, tsne_embed

__all__ = [
    'ModelSpec', 'collect_layers', 'load_split', 'parse_model_specs', 'Run', 'load_run',
    'plot_curves', 'read_scalars', 'LayerFeatureModel', 'build_feature_model',
    'load_feature_weights', 'extract_features', 'features_at_pixels', 'load_features',
    'save_features', 'LabelledImages', 'dataset_meta', 'find_labelled_images',
    'images_from_config', 'PixelSamples',
    'sample_pixels', 'format_markdown', 'linear_svm_accuracy', 'read_csv', 'write_csv', 'Panel',
    'plot_panels', 'tsne_embed'
]
