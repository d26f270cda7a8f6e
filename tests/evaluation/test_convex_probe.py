"""The convex probe: the optimum equals scikit-learn's logistic regression on the same objective,
it is deterministic, upsampling logits equals classifying upsampled features, and one-hot codes
give 100%."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ssl4dp_mm.evaluation import (convex_linear_probe, fit_linear_probe, probe_scores,
                                  sample_train_pixels)
from tests.evaluation.helpers import blob_labels, one_hot_split


def _data(n=600, c=5, k=3, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    centres = rng.standard_normal((k, c)) * 1.5
    x = centres[y] + rng.standard_normal((n, c)) * np.array([1, 2, 0.5, 3, 1])
    return (x * 4 + 7).astype(np.float32), y  # unstandardised on purpose


@pytest.mark.parametrize('balanced', [False, True])
def test_optimum_equals_sklearn_logistic_regression(balanced):
    """sklearn minimises C sum_i s_i CE_i + |W|^2 / 2 (bias not penalised); ours minimises
    sum_i w_i CE_i + wd/2 |W|^2 with sum w_i = 1 on standardised features: equal for s_i = w_i,
    C = 1 / wd."""
    from sklearn.linear_model import LogisticRegression
    x, y = _data()
    y[:500] = np.where(y[:500] == 2, 0, y[:500])  # imbalanced classes
    wd = 1e-2
    fit = fit_linear_probe(x, y, 3, weight_decay=wd, class_weight='balanced' if balanced else None)
    assert fit['grad_max'] < 1e-5
    mean, std = x.astype(np.float64).mean(0), x.astype(np.float64).std(0, ddof=1)
    z = (x - mean) / std
    counts = np.bincount(y, minlength=3)
    w = (len(y) / (3 * counts))[y] if balanced else np.ones(len(y))
    ref = LogisticRegression(C=1 / wd, tol=1e-12, max_iter=10000)
    ref.fit(z, y, sample_weight=w / w.sum())
    ours = torch.softmax(torch.from_numpy(x).double() @ fit['weight'].T + fit['bias'], 1).numpy()
    np.testing.assert_allclose(ours, ref.predict_proba(z), atol=1e-5)


def test_deterministic_and_upsampled_logits_equal_upsampled_features():
    labels, clean = blob_labels(6, seed=0)
    train = one_hot_split(labels, clean, stride=2, noise=0.5, seed=1)
    a = convex_linear_probe(train, train, pixels_per_image=40, seed=0)
    b = convex_linear_probe(train, train, pixels_per_image=40, seed=0)
    assert a['mIoU'] == b['mIoU'] and a['loss'] == b['loss'] and a['num_pixels'] == 6 * 40
    x, y = sample_train_pixels(train, 40, seed=0)
    fit = fit_linear_probe(x, y, 4)
    # MMSeg: 1x1 conv on the map, logits upsampled; equal to the conv on the upsampled features
    feat = torch.from_numpy(train.feats[0]).double()[None]
    logits = torch.einsum('kc,nchw->nkhw', fit['weight'], feat) + fit['bias'][:, None, None]
    up_logits = F.interpolate(logits, (16, 16), mode='bilinear', align_corners=False)
    up_feat = F.interpolate(feat, (16, 16), mode='bilinear', align_corners=False)
    conv_up = torch.einsum('kc,nchw->nkhw', fit['weight'], up_feat) + fit['bias'][:, None, None]
    torch.testing.assert_close(up_logits, conv_up)
    # the sampled pixel features are the upsampled map at those pixels
    lab = labels[0]
    flat = np.flatnonzero(lab.ravel() != 255)
    assert x.shape == (240, 6) and set(y) <= {0, 1, 2, 3}
    assert np.isin(y[:40], lab.ravel()[flat]).all()


def test_one_hot_codes_give_100():
    labels, clean = blob_labels(8, seed=2)
    val_labels, val_clean = blob_labels(4, seed=3)
    res = convex_linear_probe(one_hot_split(labels, clean, stride=2),
                              one_hot_split(val_labels, val_clean, stride=2), pixels_per_image=None)
    assert res['mIoU'] == 100.0 and res['train_mIoU'] == 100.0


def test_scores_of_a_given_classifier():
    labels, clean = blob_labels(3, seed=4)
    split = one_hot_split(labels, clean, extra_dims=0)
    # the identity classifier on one-hot codes is right; a permuted one is wrong everywhere
    eye = torch.eye(4, dtype=torch.float64)
    assert probe_scores(split, eye, torch.zeros(4, dtype=torch.float64))['aAcc'] == 100.0
    assert probe_scores(split, eye[[1, 2, 3, 0]], torch.zeros(4, dtype=torch.float64))['aAcc'] == 0
