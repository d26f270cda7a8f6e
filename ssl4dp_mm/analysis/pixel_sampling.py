"""Class-balanced, seeded sampling of labelled pixels over a set of images.

For every class, up to ``num_per_class`` pixels are drawn uniformly *without replacement* from all
pixels of that class in all images (the ignore label is never drawn). This is done in two passes
that never hold all pixel positions at once: pass 1 counts each class per image; the per-image
quotas are one multivariate hypergeometric draw (exactly the image distribution of a uniform draw
over the pooled pixels); pass 2 draws each image's quota from its own pixels. Classes with fewer
pixels than asked are taken whole, and that shortfall is reported.

The samples depend only on the label maps and the seed, never on a model, so every checkpoint and
every layer is looked at on the very same pixels.
"""
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import numpy as np


@dataclass
class PixelSamples:
    """Sampled pixels, sorted by image.

    Attributes:
        image_index (np.ndarray): N, index of the image each pixel is in.
        yx (np.ndarray): Nx2, row and column (in the label map's resolution).
        labels (np.ndarray): N, class index.
        class_counts (np.ndarray): K, pixels of each class available over all images.
    """
    image_index: np.ndarray
    yx: np.ndarray
    labels: np.ndarray
    class_counts: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def sample_pixels(read_label: Callable[[int], np.ndarray],
                  num_images: int,
                  num_classes: int,
                  num_per_class: int,
                  seed: int = 0,
                  ignore_index: int = 255,
                  progress: Optional[Callable[[Iterable], Iterable]] = None) -> PixelSamples:
    """Draw up to ``num_per_class`` pixels of each class, uniformly over all images.

    Args:
        read_label (Callable[[int], np.ndarray]): Returns label map ``i`` (HxW int).
        num_images (int): Number of label maps.
        num_classes (int): Number of classes (labels are ``0 .. num_classes - 1`` or
            ``ignore_index``).
        num_per_class (int): Pixels per class.
        seed (int): Seed of the draw. Defaults to 0.
        ignore_index (int): Label never drawn. Defaults to 255.
        progress (Callable, optional): Wraps each of the two passes over the images, e.g.
            ``tqdm``. Defaults to None.

    Returns:
        PixelSamples: The pixels, sorted by image, then by class.
    """
    if num_per_class < 1:
        raise ValueError(f'num_per_class must be >= 1, got {num_per_class}')
    wrap = progress or (lambda it: it)
    rng = np.random.default_rng(seed)
    counts = np.zeros((num_images, num_classes), np.int64)  # pixels of class c in image i
    for i in wrap(range(num_images)):
        label = read_label(i)
        counts[i] = np.bincount(label[label != ignore_index].ravel(), minlength=num_classes)
    totals = counts.sum(0)
    quotas = np.zeros_like(counts)  # pixels of class c to draw from image i
    for c in range(num_classes):
        n = min(num_per_class, int(totals[c]))
        if n > 0:
            quotas[:, c] = rng.multivariate_hypergeometric(counts[:, c], n, method='marginals')
    image_index, yx, labels = [], [], []
    for i in wrap(np.flatnonzero(quotas.sum(1))):
        label = read_label(int(i))
        flat = label.ravel()
        for c in np.flatnonzero(quotas[i]):
            picked = rng.choice(np.flatnonzero(flat == c), int(quotas[i, c]), replace=False)
            picked.sort()
            image_index.append(np.full(len(picked), i, np.int64))
            yx.append(np.stack(np.unravel_index(picked, label.shape), 1))
            labels.append(np.full(len(picked), c, np.int64))
    if not labels:
        raise ValueError('no labelled pixel to sample: every label map is empty or ignore_index')
    return PixelSamples(np.concatenate(image_index), np.concatenate(yx).astype(np.int64),
                        np.concatenate(labels), totals)
