"""K-means matched to the classes: one-hot codes (any cluster order) give 100%, with and without
over-clustering; shuffled features give chance."""
import numpy as np
import pytest

from ssl4dp_mm.evaluation import kmeans_segmentation
from tests.evaluation.helpers import blob_labels, one_hot_split, shuffled


@pytest.mark.parametrize('over', [1, 2])
def test_one_hot_codes_give_100(over):
    labels, clean = blob_labels(8, seed=0)
    split = one_hot_split(labels, clean, stride=2, noise=0.05, permute=np.array([2, 0, 3, 1]))
    res = kmeans_segmentation(split, over * 4, seed=0, n_init=4)
    assert res['mIoU'] == pytest.approx(100.0) and res['aAcc'] == pytest.approx(100.0)
    assert res['matching'] == ('hungarian' if over == 1 else 'majority')
    assert len(res['mapping']) == over * 4


def test_seeded_and_shuffled_is_chance():
    labels, clean = blob_labels(30, h=32, w=32, seed=1)
    split = shuffled(one_hot_split(labels, clean, stride=1, noise=0.3))
    a = kmeans_segmentation(split, seed=0, n_init=1, max_fit=2000)
    b = kmeans_segmentation(split, seed=0, n_init=1, max_fit=2000)
    assert a['mIoU'] == b['mIoU'] and a['fit_cells'] == 2000
    # four roughly equal classes, clusters independent of them: about 25% accuracy and an IoU
    # of about 1/7 per class (intersection p/4 against a union of 7p/4)
    assert a['aAcc'] == pytest.approx(25, abs=5)
    assert a['mIoU'] == pytest.approx(100 / 7, abs=5)


def test_too_few_clusters_refused():
    labels, clean = blob_labels(2)
    with pytest.raises(ValueError, match='K must be'):
        kmeans_segmentation(one_hot_split(labels, clean), 3)
