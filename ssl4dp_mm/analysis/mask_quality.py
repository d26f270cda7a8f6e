"""How well pre-training masks (Felzenszwalb, SLIC, grid, ...) cover the ground-truth segments.

The DetCon review's most useful ablation: the quality of a DetCon representation follows the
overlap between its pre-training masks and the ground truth. For every ground-truth segment (the
pixels of one class in one image, as ``LoadGTMasks`` makes regions; or each connected component)
the best IoU with any mask of the image is taken; the report is its mean over all segments of the
split and the coverage, the share of segments whose best IoU is at least 0.5. Only labelled pixels
count (a mask's pixels on ``ignore_index`` are in neither the intersection nor the union), and
pixels with mask id -1 belong to no mask. The ground-truth masks themselves score exactly 1.0.
"""
import ast
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

SEGMENT_KINDS = ('class', 'component')


def gt_segments(label: np.ndarray, ignore_index: int = 255, kind: str = 'class') -> np.ndarray:
    """HxW segment ids (-1: unlabelled): one per class present, or per connected component
    (4-connectivity) of each class."""
    if kind not in SEGMENT_KINDS:
        raise ValueError(f'segment kind must be one of {SEGMENT_KINDS}, got {kind!r}')
    seg = np.full(label.shape, -1, np.int64)
    classes = [c for c in np.unique(label) if c != ignore_index]
    if kind == 'class':
        for i, c in enumerate(classes):
            seg[label == c] = i
        return seg
    from scipy import ndimage
    next_id = 0
    for c in classes:
        comp, n = ndimage.label(label == c)
        seg[comp > 0] = comp[comp > 0] - 1 + next_id
        next_id += n
    return seg


def best_ious(segments: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Best IoU of every segment with any mask, on the pixels that have a segment.

    Args:
        segments (np.ndarray): HxW segment ids ``0 .. S-1`` (-1: unlabelled, not counted).
        masks (np.ndarray): HxW mask ids (>= 0; -1: no mask), same shape.

    Returns:
        np.ndarray: S floats in [0, 1].
    """
    if segments.shape != masks.shape:
        raise ValueError(f'masks {masks.shape} and label map {segments.shape} differ in size')
    keep = segments >= 0
    s, m = segments[keep].astype(np.int64), masks[keep].astype(np.int64)
    num_s = int(segments.max()) + 1 if keep.any() else 0
    if num_s == 0:
        return np.zeros(0)
    in_mask = m >= 0
    if not in_mask.any():
        return np.zeros(num_s)
    _, m_idx = np.unique(m[in_mask], return_inverse=True)  # dense mask indices
    num_m = int(m_idx.max()) + 1
    inter = np.bincount(s[in_mask] * num_m + m_idx, minlength=num_s * num_m).reshape(num_s, num_m)
    seg_area = np.bincount(s, minlength=num_s)
    mask_area = np.bincount(m_idx, minlength=num_m)
    iou = inter / (seg_area[:, None] + mask_area[None, :] - inter)
    return iou.max(1)


@dataclass
class MaskQuality:
    """The report of one mask setting on one split.

    Attributes:
        setting (str): What made the masks.
        ious (np.ndarray): Best IoU of every ground-truth segment.
        masks_per_image (list[int]): Number of masks in each image.
        segments_per_image (list[int]): Number of segments in each image.
    """
    setting: str
    ious: np.ndarray
    masks_per_image: List[int] = field(default_factory=list)
    segments_per_image: List[int] = field(default_factory=list)

    def summary(self, threshold: float = 0.5) -> Dict[str, float]:
        return dict(setting=self.setting, mean_best_iou=float(self.ious.mean()),
                    coverage=float((self.ious >= threshold).mean()),
                    masks_per_image=float(np.mean(self.masks_per_image)),
                    segments=int(len(self.ious)),
                    segments_per_image=float(np.mean(self.segments_per_image)))


def mask_quality(read_pair: Callable[[int], Tuple[np.ndarray, np.ndarray]], num_images: int,
                 setting: str, ignore_index: int = 255, kind: str = 'class',
                 progress: Optional[Callable[[Iterable], Iterable]] = None) -> MaskQuality:
    """Best IoU of every ground-truth segment over a split.

    Args:
        read_pair (Callable): ``i -> (label HxW, masks HxW)`` (same size).
        num_images (int): Number of images.
        setting (str): Name of the mask setting.
        ignore_index (int): Unlabelled pixels. Defaults to 255.
        kind (str): 'class' or 'component' segments. Defaults to 'class'.
        progress (Callable, optional): Wraps the iteration. Defaults to None.
    """
    wrap = progress or (lambda it: it)
    ious, n_masks, n_segs = [], [], []
    for i in wrap(range(num_images)):
        label, masks = read_pair(i)
        seg = gt_segments(label, ignore_index, kind)
        best = best_ious(seg, masks)
        ious.append(best)
        n_masks.append(int(len(np.unique(masks[masks >= 0]))))
        n_segs.append(len(best))
    return MaskQuality(setting, np.concatenate(ious), n_masks, n_segs)


def parse_mask_spec(spec: Sequence[str]) -> dict:
    """``['FelzenszwalbMasks', 'scale=64', 'sigma=0.8']`` -> a transform config dict (values read
    as Python literals, else kept as strings)."""
    if not spec:
        raise ValueError('empty --mask: give a transform type, then key=value pairs')
    cfg = dict(type=spec[0])
    for item in spec[1:]:
        if '=' not in item:
            raise ValueError(f'--mask {spec[0]}: {item!r} is not key=value')
        key, value = item.split('=', 1)
        try:
            cfg[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            cfg[key] = value
    return cfg


def describe(cfg: dict) -> str:
    """``FelzenszwalbMasks(scale=64, sigma=0.8)`` (cache settings left out)."""
    params = ', '.join(f'{k}={v}' for k, v in cfg.items()
                       if k not in ('type', 'cache_dir', 'img_root', 'key'))
    return f'{cfg["type"]}({params})'


def format_markdown(rows: Sequence[Dict[str, float]], threshold: float = 0.5) -> str:
    lines = [f'| masks | mean best IoU | coverage (IoU >= {threshold:g}) | masks / image | '
             'GT segments / image | GT segments |', '|---|---:|---:|---:|---:|---:|']
    for r in rows:
        lines.append(f'| {r["setting"]} | {r["mean_best_iou"]:.3f} | {r["coverage"]:.3f} | '
                     f'{r["masks_per_image"]:.1f} | {r["segments_per_image"]:.1f} | '
                     f'{r["segments"]} |')
    return '\n'.join(lines)
