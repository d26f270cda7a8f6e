"""Synthetic frozen features with known answers: one-hot class codes and shuffled copies."""
import numpy as np

from ssl4dp_mm.evaluation import DenseFeatures


def blob_labels(n_images, h=16, w=16, num_classes=4, seed=0, ignore_frac=0.05):
    """Label maps made of 4x4 blocks of random classes, with a few ignore (255) pixels.

    Returns:
        tuple[list, list]: The label maps, and the same without ignore pixels.
    """
    rng = np.random.default_rng(seed)
    labels, clean = [], []
    for _ in range(n_images):
        blocks = rng.integers(0, num_classes, (h // 4, w // 4))
        label = np.kron(blocks, np.ones((4, 4), np.int64))
        clean.append(label.copy())
        label[rng.random((h, w)) < ignore_frac] = 255
        labels.append(label)
    return labels, clean


def one_hot_split(labels, clean, num_classes=4, stride=1, extra_dims=2, noise=0.0, seed=0,
                  permute=None):
    """Features that are the one-hot code of the class (``clean``: the labels without ignore
    pixels), sampled every ``stride`` pixels (the 4x4 blocks stay whole for strides 1, 2, 4),
    plus ``extra_dims`` zero channels and Gaussian noise; ``permute`` recodes the classes."""
    rng = np.random.default_rng(seed)
    feats = []
    for full in clean:
        cls = full[::stride, ::stride]
        if permute is not None:
            cls = permute[cls]
        f = np.zeros((num_classes + extra_dims, ) + cls.shape, np.float32)
        for c in range(num_classes):
            f[c][cls == c] = 1.0
        feats.append(f + noise * rng.standard_normal(f.shape).astype(np.float32))
    return DenseFeatures(feats, [lab.astype(np.int64) for lab in labels],
                         tuple(f'c{i}' for i in range(num_classes)), 255, 'stage4')


def shuffled(split, seed=0):
    """The same feature cells, shuffled across all images and positions."""
    rng = np.random.default_rng(seed)
    cells = np.concatenate([f.reshape(f.shape[0], -1).T for f in split.feats])
    cells = cells[rng.permutation(len(cells))]
    out, i = [], 0
    for f in split.feats:
        n = f.shape[1] * f.shape[2]
        out.append(cells[i:i + n].T.reshape(f.shape).copy())
        i += n
    return DenseFeatures(out, split.labels, split.class_names, split.ignore_index, split.layer)


def chance_accuracy(pred_freq, labels, num_classes):
    """Expected pixel accuracy of predictions independent of the labels: sum_c p(pred=c) p(y=c)."""
    y = np.concatenate([lab[lab != 255].ravel() for lab in labels])
    p_true = np.bincount(y, minlength=num_classes) / len(y)
    return float(100 * (np.asarray(pred_freq) * p_true).sum())
