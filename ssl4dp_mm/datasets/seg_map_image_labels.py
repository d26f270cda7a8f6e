"""Images with image-level labels derived from their segmentation label maps (for Exemplar-v2)."""
import os
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset
from mmselfsup.registry import DATASETS
from PIL import Image

LABEL_TYPES = ('multi_hot', 'dominant')


def _read_label_map(path: str):
    """A label map as HxW class indices, or None if missing or unreadable. Read with Pillow, as
    MMSeg's ``LoadAnnotations`` does, so that palette PNGs (VOC's ``SegmentationClass``) give their
    indices, not their colours."""
    if not osp.isfile(path):
        return None
    try:
        with Image.open(path) as img:
            return np.array(img)
    except (OSError, ValueError):
        return None


def image_label_from_seg_map(seg_map: np.ndarray,
                             num_classes: int,
                             label_type: str = 'dominant',
                             ignore_index: int = 255,
                             ignore_classes: Sequence[int] = (),
                             min_fraction: float = 0.0):
    """The image-level label of one label map.

    Args:
        seg_map (np.ndarray): HxW integer class indices.
        num_classes (int): Number of classes; other values than ``ignore_index`` are an error.
        label_type (str): 'multi_hot': an int64 vector of length ``num_classes`` with a 1 for every
            class present; 'dominant': the index of the class with the most pixels (an int, -1 if no
            class counts). Defaults to 'dominant'.
        ignore_index (int): Unlabelled pixels. Defaults to 255.
        ignore_classes (Sequence[int]): Classes that never count (e.g. ``(0, )`` for a background
            shared by every image). Defaults to ().
        min_fraction (float): A class is present when it covers at least this fraction of the
            labelled pixels (and at least one pixel). Defaults to 0.0.

    Returns:
        np.ndarray | int: The multi-hot vector or the dominant class.
    """
    if label_type not in LABEL_TYPES:
        raise ValueError(f'label_type must be one of {LABEL_TYPES}, got {label_type!r}')
    if any(not 0 <= c < num_classes for c in ignore_classes):
        raise ValueError(f'ignore_classes {tuple(ignore_classes)} outside [0, {num_classes})')
    values = seg_map[seg_map != ignore_index].astype(np.int64).ravel()
    if values.size and (values.min() < 0 or values.max() >= num_classes):
        raise ValueError(f'label map has class {int(values.max())} outside [0, {num_classes}) '
                         f'(ignore_index={ignore_index})')
    counts = np.bincount(values, minlength=num_classes)
    counts[list(ignore_classes)] = 0
    present = (counts > 0) & (counts >= min_fraction * max(values.size, 1))
    if label_type == 'multi_hot':
        return present.astype(np.int64)
    return int(np.argmax(counts)) if present.any() else -1


@DATASETS.register_module()
class SegMapImageLabels(BaseDataset):
    """Images whose ``gt_label`` is derived from their per-pixel label maps.

    Reads an MMSegmentation layout (images under ``data_prefix['img_path']``, label maps of the same
    stem under ``data_prefix['seg_map_path']``) and gives every image an image-level label: the
    classes present (multi-hot) or the dominant class (see :func:`image_label_from_seg_map`). This
    turns the embedded toy scenes (or CamVid) into a labelled dataset for supervised contrastive
    methods such as Exemplar-v2. The labels are computed once, when the dataset is built. Pack them
    with ``PackDenseSSLInputs(algorithm_keys=['gt_label'])``. An ``ann_file`` (one image stem per
    line, relative to the image folder, as MMSeg's split lists) restricts it to those images.

    Args:
        num_classes (int): Number of classes of the label maps.
        label_type (str): 'multi_hot' or 'dominant'. Defaults to 'dominant'.
        ignore_index (int): Unlabelled pixels. Defaults to 255.
        ignore_classes (Sequence[int]): Classes that never count. Defaults to ().
        min_fraction (float): Smallest fraction of labelled pixels for a class to count.
            Defaults to 0.0.
        img_suffix (str): Image suffix. Defaults to '.png'.
        seg_map_suffix (str): Label-map suffix. Defaults to '.png'.
        data_root (str): Root folder. Defaults to ''.
        data_prefix (dict): ``img_path`` and ``seg_map_path`` folders under ``data_root``.
            Defaults to ``dict(img_path='img_dir/train', seg_map_path='ann_dir/train')``.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset` (``pipeline``, ``ann_file``,
            ...).
    """

    def __init__(self,
                 num_classes: int,
                 label_type: str = 'dominant',
                 ignore_index: int = 255,
                 ignore_classes: Sequence[int] = (),
                 min_fraction: float = 0.0,
                 img_suffix: str = '.png',
                 seg_map_suffix: str = '.png',
                 data_root: str = '',
                 data_prefix: dict = dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
                 **kwargs) -> None:
        if label_type not in LABEL_TYPES:
            raise ValueError(f'SegMapImageLabels: label_type must be one of {LABEL_TYPES}, '
                             f'got {label_type!r}')
        self.num_classes = num_classes
        self.label_type = label_type
        self.ignore_index = ignore_index
        self.ignore_classes = tuple(ignore_classes)
        self.min_fraction = min_fraction
        self.img_suffix = img_suffix
        self.seg_map_suffix = seg_map_suffix
        super().__init__(data_root=data_root, data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        img_dir = self.data_prefix.get('img_path', '')
        seg_dir = self.data_prefix.get('seg_map_path', '')
        for key, folder in (('img_path', img_dir), ('seg_map_path', seg_dir)):
            if not osp.isdir(folder):
                raise FileNotFoundError(f'SegMapImageLabels: data_prefix[{key!r}] folder '
                                        f'{folder!r} does not exist')
        if self.ann_file:  # a list of stems, as MMSeg's split files (VOC's ImageSets)
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(f'SegMapImageLabels: ann_file {self.ann_file!r} does not '
                                        'exist')
            with open(self.ann_file) as f:
                names = [line.strip() + self.img_suffix for line in f if line.strip()]
            missing = [osp.join(img_dir, n) for n in names if not osp.isfile(osp.join(img_dir, n))]
            if missing:
                raise FileNotFoundError(
                    f'SegMapImageLabels: {len(missing)} images listed in {self.ann_file!r} do not '
                    f'exist, e.g. {missing[:3]}')
        else:
            names = sorted(
                osp.relpath(osp.join(d, f), img_dir) for d, _, files in os.walk(img_dir)
                for f in files if f.endswith(self.img_suffix))
        if not names:
            raise FileNotFoundError(
                f'SegMapImageLabels: no *{self.img_suffix} images under {img_dir!r}')
        data_list = []
        for name in names:
            seg_path = osp.join(seg_dir, name[:-len(self.img_suffix)] + self.seg_map_suffix)
            seg_map = _read_label_map(seg_path)
            if seg_map is None:
                raise FileNotFoundError(f'SegMapImageLabels: label map {seg_path!r} of image '
                                        f'{name!r} is missing or unreadable')
            try:
                label = image_label_from_seg_map(seg_map, self.num_classes, self.label_type,
                                                 self.ignore_index, self.ignore_classes,
                                                 self.min_fraction)
            except ValueError as err:
                raise ValueError(f'SegMapImageLabels: {seg_path!r}: {err}') from err
            data_list.append(dict(img_path=osp.join(img_dir, name), gt_label=label))
        return data_list
