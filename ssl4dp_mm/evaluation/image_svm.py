"""Image-level linear SVM on pooled frozen features (the "VOC07 SVM" column of the revisiting
contrastive paper; Goyal et al., "Scaling and Benchmarking Self-Supervised Visual Representation
Learning", ICCV 2019).

Each image's layer map is average-pooled to one vector; one linear SVM per class (one-vs-rest,
scikit-learn ``LinearSVC``, squared hinge) on standardised vectors (statistics of the training
images) separates the images with that class from those without; the score is the mean over classes
of the average precision (scikit-learn ``average_precision_score``, not VOC's 11-point version) of
the SVM's decision values on the test images. Entries marked not valid (VOC's "difficult") are left
out of their class's training and AP; a class without a positive or a negative in either split is
left out of the mean (named in the result).
"""
import warnings
from typing import Callable, Dict, Iterable, Optional, Tuple

import numpy as np
import torch

from .dense_features import read_scaled_image, resolve_layer
from .image_labels import ImageLabels


def pooled_features(model, read_image: Callable[[int], np.ndarray], num_images: int, layer: str,
                    progress: Optional[Callable[[Iterable], Iterable]] = None) -> np.ndarray:
    """``N x C`` global average of ``layer`` per image (``read_image(i)``: HxWx3 uint8 BGR)."""
    layer = resolve_layer(layer, model)
    device = next(model.parameters()).device
    wrap = progress or (lambda it: it)
    out = []
    for i in wrap(range(num_images)):
        img = torch.from_numpy(read_image(i))[None].to(device)
        with torch.no_grad():
            feat = model(model.preprocess(img), [layer])[layer]  # 1xCxhxw
        out.append(feat.mean((2, 3))[0].float().cpu().numpy())
    return np.stack(out)


def image_reader(labels: ImageLabels, img_scale: Optional[Tuple[int, int]] = None):
    """``read_image(i)`` for the images of ``labels`` (BGR uint8, resized to ``img_scale``)."""
    from ..features.labelled_images import LabelledImages
    images = LabelledImages(labels.img_paths, [''] * len(labels.img_paths), labels.class_names)
    return lambda i: read_scaled_image(images, i, img_scale)


def svm_map(train_x: np.ndarray, train: ImageLabels, test_x: np.ndarray, test: ImageLabels,
            C: float = 1.0, max_iter: int = 5000, seed: int = 0) -> Dict[str, object]:
    """One-vs-rest linear SVMs, mean AP over classes on the test images.

    Args:
        train_x (np.ndarray): NxC pooled features of the training images.
        train (ImageLabels): Their targets.
        test_x (np.ndarray): MxC pooled features of the test images.
        test (ImageLabels): Their targets.
        C (float): SVM inverse regularisation. Defaults to 1.0.
        max_iter (int): Solver iterations. Defaults to 5000.
        seed (int): Seed of the solver. Defaults to 0.

    Returns:
        dict: ``mAP`` (%), ``AP`` (per class, % or None when skipped), ``skipped`` class names.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import average_precision_score
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC
    if train.class_names != test.class_names:
        raise ValueError('train and test image labels have different classes')
    if len(train_x) != len(train.targets) or len(test_x) != len(test.targets):
        raise ValueError('features and image labels differ in length')
    scaler = StandardScaler().fit(train_x)
    tr, te = scaler.transform(train_x), scaler.transform(test_x)
    aps, skipped = [], []
    for c, name in enumerate(train.class_names):
        y_tr, m_tr = train.targets[:, c], train.valid[:, c]
        y_te, m_te = test.targets[:, c], test.valid[:, c]
        if len(set(y_tr[m_tr])) < 2 or len(set(y_te[m_te])) < 2:
            aps.append(None)
            skipped.append(name)
            continue
        svm = LinearSVC(C=C, max_iter=max_iter, random_state=seed)
        with warnings.catch_warnings():  # an unconverged solver is still a linear classifier
            warnings.simplefilter('ignore', ConvergenceWarning)
            svm.fit(tr[m_tr], y_tr[m_tr])
        aps.append(float(100 * average_precision_score(y_te[m_te],
                                                       svm.decision_function(te[m_te]))))
    scored = [a for a in aps if a is not None]
    if not scored:
        raise ValueError('no class has both positive and negative images in both splits')
    return dict(mAP=float(np.mean(scored)), AP=aps, skipped=skipped, C=C,
                class_names=list(train.class_names))
