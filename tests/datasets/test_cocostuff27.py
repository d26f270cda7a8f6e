"""The COCO-Stuff 182 -> 27 coarse mapping against entries of STEGO's ``fine_to_coarse``, and
MMSeg's 171 train ids read through the ids they stand for."""
import numpy as np
import pytest

from ssl4dp_mm.datasets.cocostuff27 import (COARSE_CLASSES, FINE_TO_COARSE, TRAIN_ID_TO_FINE,
                                            coarse_label)

# copied by hand from STEGO src/data.py (class Coco, self.fine_to_coarse)
STEGO_ENTRIES = {0: 9, 1: 11, 9: 8, 15: 7, 25: 6, 33: 10, 43: 5, 51: 2, 61: 3, 71: 0, 77: 1,
                 83: 4, 91: 17, 93: 22, 97: 15, 105: 23, 119: 26, 126: 24, 147: 26, 156: 23,
                 170: 18, 177: 26, 179: 19, 181: 24}


def test_table_matches_stego_and_names():
    assert len(FINE_TO_COARSE) == 182 and len(COARSE_CLASSES) == 27
    for fine, coarse in STEGO_ENTRIES.items():
        assert FINE_TO_COARSE[fine] == coarse, fine
    assert COARSE_CLASSES[FINE_TO_COARSE[0]] == 'person'  # COCO id 1
    assert COARSE_CLASSES[FINE_TO_COARSE[156]] == 'sky'  # sky-other
    assert COARSE_CLASSES[FINE_TO_COARSE[2]] == 'vehicle'  # car
    assert sorted(set(FINE_TO_COARSE)) == list(range(27))


def test_coarse_label_raw_and_train_ids():
    raw = np.array([[0, 156, 255], [181, 2, 170]], np.uint8)
    expected = np.array([[9, 23, 255], [24, 11, 18]], np.uint8)
    np.testing.assert_array_equal(coarse_label(raw), expected)
    # MMSeg's train id t is the t-th used id: 11 -> stop sign (id 12 0-based, outdoor 8)
    assert TRAIN_ID_TO_FINE[11] == 12 and len(TRAIN_ID_TO_FINE) == 171
    train = np.array([[0, 11, 170, 255]], np.uint8)
    np.testing.assert_array_equal(coarse_label(train, train_ids=True), [[9, 8, 24, 255]])
    with pytest.raises(ValueError, match='171 train ids'):
        coarse_label(np.array([[171]], np.uint8), train_ids=True)
