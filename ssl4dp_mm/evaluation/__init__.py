"""Evaluation of a checkpoint, and the one writer of its records (:mod:`.records`).

- The trained protocols (:mod:`.trained`, configs composed by :mod:`.trained_config`): LP-100%,
  FT-x% and FT-100% trained and tested in subprocesses (:mod:`.stages`); command line
  ``tools/evaluate.py``.
- The frozen protocols (:mod:`.run`, :mod:`.suite`), without training a segmentation head:
  semantic segment retrieval, kNN per-pixel classification, K-means clustering matched to the
  classes, an image-level linear SVM, and LP-100%'s linear classifier fitted to convergence (a
  probe without SGD noise); and the two protocols the field compares on: Hummingbird-style dense
  nearest-neighbour retrieval and DINOv2's linear probe (a BatchNorm + 1x1 conv head trained on
  cached maps); command lines ``tools/evaluate_frozen.py`` and ``tools/evaluate_dense.py``.

The features come from :mod:`ssl4dp_mm.features`. Imported on demand
(``import ssl4dp_mm.evaluation``), like :mod:`ssl4dp_mm.analysis`: it needs scikit-learn and SciPy,
which training does not. The records feed ``tools/analysis/results_table.py``.
"""
from .clustering import cluster_confusion, fit_kmeans, kmeans_segmentation
from .convex_probe import convex_linear_probe, fit_linear_probe, probe_scores, sample_train_pixels
from .dense_features import (DenseFeatures, extract_dense_features, linear_upsampling_matrix,
                             resolve_layer, segment_means, upsample_scores)
from .hummingbird import (MemoryBank, bank_from_split, bank_size_sweep, build_memory_bank,
                          hummingbird_evaluation, hummingbird_segmentation,
                          patch_label_distributions, retrieve_distributions)
from .image_labels import ImageLabels, labels_from_seg_maps, read_voc07_labels
from .image_svm import pooled_features, svm_map
from .knn_segmentation import chunked_topk, knn_segmentation, knn_votes
from .linear_dinov2 import (BNLinearHead, dinov2_linear_probe, head_scores, multiscale_scores,
                            probe_layers, train_bn_linear_head)
from .metrics import (confusion_matrix, hungarian_match, iou_match, majority_match,
                      matched_confusion, scores_from_confusion)
from .records import (PROTOCOL_COLUMNS, column_name, default_name, record_path, save_record,
                      trained_column, write_record)
from .run import PROTOCOLS, FrozenOptions, FrozenRun, evaluate_frozen
from .segment_retrieval import retrieve_classes, segment_retrieval, split_segments
from .stages import StageFailed, run_stage
from .suite import SUITE_DATASETS, SuiteDataset, run_suite, suite_table
from .trained import EvaluationRefused, TrainedEval, evaluate_trained, run_trained
from .trained_config import apply_label_split, compose_config

__all__ = [
    'cluster_confusion', 'fit_kmeans', 'kmeans_segmentation', 'convex_linear_probe',
    'fit_linear_probe', 'probe_scores', 'sample_train_pixels', 'DenseFeatures',
    'extract_dense_features', 'linear_upsampling_matrix', 'resolve_layer', 'segment_means',
    'upsample_scores', 'ImageLabels', 'labels_from_seg_maps', 'read_voc07_labels',
    'pooled_features', 'svm_map', 'knn_segmentation', 'knn_votes', 'confusion_matrix',
    'hungarian_match', 'majority_match', 'matched_confusion', 'scores_from_confusion',
    'PROTOCOL_COLUMNS', 'column_name', 'record_path', 'write_record', 'PROTOCOLS',
    'FrozenOptions', 'FrozenRun', 'evaluate_frozen', 'retrieve_classes', 'segment_retrieval',
    'split_segments', 'MemoryBank', 'bank_from_split', 'bank_size_sweep', 'build_memory_bank',
    'hummingbird_evaluation', 'hummingbird_segmentation', 'patch_label_distributions',
    'retrieve_distributions', 'chunked_topk', 'BNLinearHead', 'dinov2_linear_probe', 'head_scores',
    'multiscale_scores', 'probe_layers', 'train_bn_linear_head', 'iou_match',
    'SUITE_DATASETS', 'SuiteDataset', 'run_suite', 'suite_table', 'default_name', 'save_record',
    'trained_column', 'StageFailed', 'run_stage', 'EvaluationRefused', 'TrainedEval',
    'evaluate_trained', 'run_trained', 'apply_label_split', 'compose_config'
]
