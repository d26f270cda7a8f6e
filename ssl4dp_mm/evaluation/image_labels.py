"""Image-level multi-labels for the image SVM: from segmentation label maps (the toy scenes,
CamVid), or from PASCAL VOC 2007's classification layout.

VOC07 layout (the "VOC07 SVM" benchmark of Goyal et al., 2019, and of the "revisiting contrastive"
paper; ``trainval`` to train, ``test`` to score)::

    <root>/JPEGImages/<id>.jpg
    <root>/ImageSets/Main/<class>_<split>.txt     one line per image: "<id> <flag>"
                                                   flag 1: present, -1: absent, 0: difficult

A difficult flag is neither a positive nor a negative of its class: it is left out of that class's
training and of its AP, as in that benchmark.
"""
import os.path as osp
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np

from ..datasets.seg_map_image_labels import image_label_from_seg_map
from ..features.labelled_images import LabelledImages

VOC07_CLASSES = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair',
                 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant',
                 'sheep', 'sofa', 'train', 'tvmonitor')


@dataclass
class ImageLabels:
    """Multi-label targets of a list of images.

    Attributes:
        img_paths (list[str]): Images.
        targets (np.ndarray): NxK int64, 1 where the class is present.
        valid (np.ndarray): NxK bool, False where the class is neither positive nor negative
            (VOC's "difficult").
        class_names (tuple[str]): K class names.
    """
    img_paths: List[str]
    targets: np.ndarray
    valid: np.ndarray
    class_names: Tuple[str, ...]


def labels_from_seg_maps(images: LabelledImages, ignore_classes: Sequence[int] = (),
                         min_fraction: float = 0.0) -> ImageLabels:
    """The classes present in each label map (``image_label_from_seg_map``, multi-hot), as the
    toy scenes' image labels; ``ignore_classes`` (e.g. a background in every image) are dropped
    from the columns."""
    k = len(images.class_names)
    keep = [c for c in range(k) if c not in set(ignore_classes)]
    targets = np.stack([
        image_label_from_seg_map(images.read_label(i), k, 'multi_hot', images.ignore_index,
                                 ignore_classes, min_fraction) for i in range(len(images))
    ])[:, keep]
    return ImageLabels(list(images.img_paths), targets, np.ones_like(targets, bool),
                       tuple(images.class_names[c] for c in keep))


def read_voc07_labels(root: str, split: str,
                      class_names: Sequence[str] = VOC07_CLASSES) -> ImageLabels:
    """Read ``ImageSets/Main/<class>_<split>.txt`` of a VOC07 layout (see the module docstring).

    Raises:
        FileNotFoundError: If a class file or an image is missing (named).
        ValueError: If a line is malformed or the class files list different images (named).
    """
    ids, flags = None, []
    for name in class_names:
        path = osp.join(root, 'ImageSets', 'Main', f'{name}_{split}.txt')
        if not osp.isfile(path):
            raise FileNotFoundError(f'VOC07 class file {path!r} does not exist')
        rows = []
        with open(path) as f:
            for n, line in enumerate(f, 1):
                parts = line.split()
                if not parts:
                    continue
                if len(parts) != 2 or parts[1] not in ('1', '-1', '0'):
                    raise ValueError(f'{path}:{n}: expected "<id> <1|-1|0>", got {line.strip()!r}')
                rows.append((parts[0], int(parts[1])))
        these = [r[0] for r in rows]
        if ids is None:
            ids = these
        elif these != ids:
            raise ValueError(f'{path!r} lists other images than '
                             f'{class_names[0]}_{split}.txt')
        flags.append([r[1] for r in rows])
    flag = np.array(flags, np.int64).T  # NxK
    img_paths = [osp.join(root, 'JPEGImages', f'{i}.jpg') for i in ids]
    for path in img_paths:
        if not osp.isfile(path):
            raise FileNotFoundError(f'VOC07 image {path!r} does not exist')
    return ImageLabels(img_paths, (flag == 1).astype(np.int64), flag != 0, tuple(class_names))
