"""One fixture for every frozen protocol: features that are one-hot class codes (with the labels'
ignore pixels, a few zero channels and a little noise) give 100% mIoU on each of them."""
import numpy as np
import pytest
import torch

from ssl4dp_mm.evaluation import (bank_from_split, convex_linear_probe, dinov2_linear_probe,
                                  hummingbird_segmentation, kmeans_segmentation, knn_segmentation,
                                  segment_retrieval)
from tests.evaluation.helpers import blob_labels, one_hot_split


@pytest.fixture(scope='module')
def splits():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny ops: a second thread only costs on a shared machine
    labels, clean = blob_labels(12, seed=0)
    val_labels, val_clean = blob_labels(6, seed=1)
    yield (one_hot_split(labels, clean, stride=2, noise=0.05, seed=2),
           one_hot_split(val_labels, val_clean, stride=2, noise=0.05, seed=3))
    torch.set_num_threads(threads)


PROTOCOLS = {
    'knn': lambda tr, va: knn_segmentation(tr, va, k=5),
    'kmeans K=C (Hungarian)': lambda tr, va: kmeans_segmentation(va, 4, n_init=4),
    'kmeans K=2C (many-to-one)': lambda tr, va: kmeans_segmentation(va, 8, n_init=4),
    'lp-convex': lambda tr, va: convex_linear_probe(tr, va, pixels_per_image=None),
    'retrieval': segment_retrieval,
    'hummingbird': lambda tr, va: hummingbird_segmentation(bank_from_split(tr), va),
    'lp-dinov2': lambda tr, va: dinov2_linear_probe([tr], [va], iterations=150, batch_size=8,
                                                    crop_size=(8, 8), lr=0.05),
}


@pytest.mark.parametrize('protocol', sorted(PROTOCOLS))
def test_one_hot_codes_give_100(splits, protocol):
    res = PROTOCOLS[protocol](*splits)
    assert res['mIoU'] == pytest.approx(100.0) and res['aAcc'] == pytest.approx(100.0)
    assert np.allclose(res['IoU'], 100.0)
