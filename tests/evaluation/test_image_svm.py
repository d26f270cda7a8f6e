"""Image-level SVM: mAP against average precision written out; separable features give 100, random
ones about the positive rate; image labels from label maps and from a VOC07 layout."""
import os

import numpy as np
import pytest

from ssl4dp_mm.evaluation import ImageLabels, read_voc07_labels, svm_map


def loop_ap(y, s):
    """Average precision as the mean of the precisions at each positive (ties: sklearn's order is
    irrelevant for distinct scores)."""
    order = np.argsort(-s)
    y = y[order]
    hits = np.cumsum(y)
    return 100 * np.mean([hits[i] / (i + 1) for i in range(len(y)) if y[i]])


def _labels(targets, valid=None):
    valid = np.ones_like(targets, bool) if valid is None else valid
    return ImageLabels([f'{i}.jpg' for i in range(len(targets))], targets, valid,
                       tuple(f'c{k}' for k in range(targets.shape[1])))


def test_separable_gives_100_and_map_is_mean_ap():
    rng = np.random.default_rng(0)
    t_tr, t_te = rng.integers(0, 2, (80, 3)), rng.integers(0, 2, (40, 3))
    x_tr = t_tr * 2.0 + 0.1 * rng.standard_normal((80, 3))
    x_te = t_te * 2.0 + 0.1 * rng.standard_normal((40, 3))
    res = svm_map(x_tr, _labels(t_tr), x_te, _labels(t_te))
    assert res['mAP'] == pytest.approx(100.0)
    # noisy: the reported APs equal the written-out AP of the SVM's scores
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC
    noisy_tr = x_tr + 2 * rng.standard_normal(x_tr.shape)
    noisy_te = x_te + 2 * rng.standard_normal(x_te.shape)
    res = svm_map(noisy_tr, _labels(t_tr), noisy_te, _labels(t_te), C=0.5)
    sc = StandardScaler().fit(noisy_tr)
    aps = [loop_ap(t_te[:, c], LinearSVC(C=0.5, max_iter=5000, random_state=0).fit(
        sc.transform(noisy_tr), t_tr[:, c]).decision_function(sc.transform(noisy_te)))
        for c in range(3)]
    np.testing.assert_allclose(res['AP'], aps, atol=1e-6)
    assert res['mAP'] == pytest.approx(np.mean(aps))


def test_random_features_give_the_positive_rate_and_invalid_entries_are_left_out():
    rng = np.random.default_rng(1)
    t_tr, t_te = (rng.random((300, 2)) < 0.3).astype(int), (rng.random((2000, 2)) < 0.3)
    t_te = t_te.astype(int)
    res = svm_map(rng.standard_normal((300, 16)), _labels(t_tr), rng.standard_normal((2000, 16)),
                  _labels(t_te))
    assert res['mAP'] == pytest.approx(100 * t_te.mean(), abs=5)
    # a class with no positive among the valid test entries is skipped and named
    valid = np.ones_like(t_te, bool)
    valid[t_te[:, 1] == 1, 1] = False
    res = svm_map(rng.standard_normal((300, 16)), _labels(t_tr), rng.standard_normal((2000, 16)),
                  _labels(t_te, valid))
    assert res['skipped'] == ['c1'] and res['AP'][1] is None


def _voc_layout(root, split, rows, classes):
    os.makedirs(root / 'ImageSets' / 'Main', exist_ok=True)
    os.makedirs(root / 'JPEGImages', exist_ok=True)
    for i, name in enumerate(classes):
        (root / 'ImageSets' / 'Main' / f'{name}_{split}.txt').write_text(
            ''.join(f'{img} {flags[i]}\n' for img, flags in rows))
    for img, _ in rows:
        (root / 'JPEGImages' / f'{img}.jpg').write_bytes(b'')


def test_voc07_layout(tmp_path):
    classes = ('cat', 'dog')
    _voc_layout(tmp_path, 'trainval', [('000005', (1, -1)), ('000007', (0, 1))], classes)
    labels = read_voc07_labels(str(tmp_path), 'trainval', classes)
    np.testing.assert_array_equal(labels.targets, [[1, 0], [0, 1]])
    np.testing.assert_array_equal(labels.valid, [[True, True], [False, True]])  # 0: difficult
    assert labels.img_paths[1].endswith('JPEGImages/000007.jpg')
    with pytest.raises(FileNotFoundError, match='cat_test.txt'):
        read_voc07_labels(str(tmp_path), 'test', classes)
    (tmp_path / 'ImageSets' / 'Main' / 'dog_trainval.txt').write_text('000005 2\n')
    with pytest.raises(ValueError, match='dog_trainval.txt:1'):
        read_voc07_labels(str(tmp_path), 'trainval', classes)
