"""Linear SVM separability on features of known structure, and the table it writes."""
import numpy as np
import pytest

from ssl4dp_mm.analysis.separability import (format_markdown, linear_svm_accuracy, read_csv,
                                             write_csv)


def _clusters(n_per_cluster, centres, rng):
    """Each class is two Gaussian clusters (std 1) around its two centres."""
    x, y = [], []
    for c, pair in enumerate(centres):
        for centre in pair:
            x.append(centre + rng.standard_normal((n_per_cluster, len(centre))))
            y.append(np.full(n_per_cluster, c))
    return np.concatenate(x).astype(np.float32), np.concatenate(y)


@pytest.fixture(scope='module')
def data():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 8, (3, 2, 16))  # 3 classes x 2 clusters, 16-D, far apart
    train = _clusters(100, centres, rng)
    test = _clusters(100, centres, rng)  # a fresh draw: held-out points
    return train, test


def test_separable_clusters_near_perfect(data):
    (xtr, ytr), (xte, yte) = data
    assert linear_svm_accuracy(xtr, ytr, xte, yte) >= 0.98


def test_shuffled_labels_near_chance(data):
    (xtr, ytr), (xte, yte) = data
    rng = np.random.default_rng(1)
    acc = linear_svm_accuracy(xtr, rng.permutation(ytr), xte, rng.permutation(yte))
    assert abs(acc - 1 / 3) < 0.1


def test_bad_input(data):
    (xtr, ytr), (xte, yte) = data
    with pytest.raises(ValueError, match='same C'):
        linear_svm_accuracy(xtr, ytr, xte[:, :5], yte)
    with pytest.raises(ValueError, match='two classes'):
        linear_svm_accuracy(xtr, np.zeros_like(ytr), xte, yte)


def test_table_markdown_and_csv(tmp_path):
    table = {'random init': {'stage4': 0.5, 'decoder': 0.25},
             'w/o dec, "x"': {'stage4': 0.875, 'decoder': None}}
    md = format_markdown(table, ['stage4', 'decoder'])
    assert md.splitlines() == ['| checkpoint | stage4 | decoder |', '|---|---:|---:|',
                               '| random init | 50.0 | 25.0 |', '| w/o dec, "x" | 87.5 | - |']
    path = write_csv(str(tmp_path / 't.csv'), table, ['stage4', 'decoder'])
    assert read_csv(path) == table
