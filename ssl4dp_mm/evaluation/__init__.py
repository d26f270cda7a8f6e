"""Evaluation on frozen features, without training a segmentation head: semantic segment retrieval,
kNN per-pixel classification, K-means clustering matched to the classes, an image-level linear SVM,
and LP-100%'s linear classifier fitted to convergence (a probe without SGD noise).

Imported on demand (``import ssl4dp_mm.evaluation``), like :mod:`ssl4dp_mm.analysis`: it needs
scikit-learn and SciPy, which training does not. The command-line tool is
``tools/evaluate_frozen.py``; its records feed ``tools/analysis/results_table.py``.
"""
from .clustering import cluster_confusion, fit_kmeans, kmeans_segmentation
from .convex_probe import convex_linear_probe, fit_linear_probe, probe_scores, sample_train_pixels
from .dense_features import (DenseFeatures, extract_dense_features, linear_upsampling_matrix,
                             resolve_layer, segment_means, upsample_scores)
from .image_labels import ImageLabels, labels_from_seg_maps, read_voc07_labels
from .image_svm import pooled_features, svm_map
from .knn import knn_segmentation, knn_votes
from .metrics import (confusion_matrix, hungarian_match, majority_match, matched_confusion,
                      scores_from_confusion)
from .records import PROTOCOL_COLUMNS, column_name, record_path, write_record
from .run import PROTOCOLS, FrozenOptions, FrozenRun, evaluate_frozen
from .segment_retrieval import retrieve_classes, segment_retrieval, split_segments

__all__ = [
    'cluster_confusion', 'fit_kmeans', 'kmeans_segmentation', 'convex_linear_probe',
    'fit_linear_probe', 'probe_scores', 'sample_train_pixels', 'DenseFeatures',
    'extract_dense_features', 'linear_upsampling_matrix', 'resolve_layer', 'segment_means',
    'upsample_scores', 'ImageLabels', 'labels_from_seg_maps', 'read_voc07_labels',
    'pooled_features', 'svm_map', 'knn_segmentation', 'knn_votes', 'confusion_matrix',
    'hungarian_match', 'majority_match', 'matched_confusion', 'scores_from_confusion',
    'PROTOCOL_COLUMNS', 'column_name', 'record_path', 'write_record', 'PROTOCOLS',
    'FrozenOptions', 'FrozenRun', 'evaluate_frozen', 'retrieve_classes', 'segment_retrieval',
    'split_segments'
]
