"""Dense frozen features of a labelled split: one feature map per image, kept at the layer's own
resolution, beside the label map at the resolution it is scored at.

Every protocol here scores pixels exactly as MMSeg scores a segmentation model: a per-cell score map
(class votes, cluster similarities, logits) is upsampled bilinearly (``align_corners=False``, as
MMSeg's ``resize``) to the label map's size and arg-maxed. The images may be resized first
(``img_scale``, as a test pipeline's ``Resize``) while the labels stay at their own size, as MMSeg
does when it resizes logits back to the original shape.

Layers are named as :class:`~ssl4dp_mm.features.LayerFeatureModel` names them (``stage1`` ..
``stage4``, ``decoder``; a ViT's last block ``stage12``); ``backbone.layerN`` / ``layerN``,
``backbone.layers.i`` (ViT block i) and ``decode_head`` are accepted too.
"""
import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch
import torch.nn.functional as F

from ..features.feature_model import DECODER, LayerFeatureModel
from ..features.labelled_images import LabelledImages
from ..models.utils.mask_pooling import downsample_mask_ids


@dataclass
class DenseFeatures:
    """Feature maps and label maps of one split.

    Attributes:
        feats (list[np.ndarray]): Per image a CxHfxWf float32 map (the layer's resolution).
        labels (list[np.ndarray]): Per image an HxW label map (class index or ``ignore_index``).
        class_names (tuple[str]): Name of each class index.
        ignore_index (int): Label value that is not a class.
        layer (str): The layer the features come from.
        image_paths (list[str]): The images, in order. Defaults to [].
    """
    feats: List[np.ndarray]
    labels: List[np.ndarray]
    class_names: Tuple[str, ...]
    ignore_index: int
    layer: str
    image_paths: List[str] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.feats) != len(self.labels):
            raise ValueError(f'{len(self.feats)} feature maps but {len(self.labels)} label maps')
        dims = {f.shape[0] for f in self.feats}
        if len(dims) > 1:
            raise ValueError(f'feature maps differ in channels: {sorted(dims)}')

    def __len__(self) -> int:
        return len(self.feats)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def dim(self) -> int:
        return int(self.feats[0].shape[0])

    def cell_labels(self, i: int) -> np.ndarray:
        """Label of each feature cell of image ``i`` (HfxWf int64): the majority class of the
        pixels the cell covers (as DetCon brings masks to the feature stride), -1 where it covers
        no labelled pixel."""
        label = self.labels[i].astype(np.int64)
        label = np.where(label == self.ignore_index, -1, label)
        size = self.feats[i].shape[1:]
        return downsample_mask_ids(torch.from_numpy(label)[None], size)[0].numpy()

    def cells(self, normalize: bool = True) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All cells of all images as rows.

        Returns:
            tuple: features ``(sum_i Hf*Wf) x C`` float32 (L2-normalised if ``normalize``), the
            cell labels (-1: unlabelled) and the image index of each row.
        """
        rows = [f.reshape(f.shape[0], -1).T for f in self.feats]
        x = np.concatenate(rows).astype(np.float32)
        if normalize:
            x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        y = np.concatenate([self.cell_labels(i).ravel() for i in range(len(self))])
        idx = np.concatenate([np.full(len(r), i, np.int64) for i, r in enumerate(rows)])
        return x, y, idx


def resolve_layer(name: str, model: Optional[LayerFeatureModel] = None) -> str:
    """``backbone.layerN`` / ``layerN`` / ``stageN`` -> ``stageN``; ``decode_head`` / ``decoder``
    -> ``decoder``; checked against ``model`` when given.

    ViT (MMSeg ``VisionTransformer``): its block ``i`` (0-based, ``backbone.layers.i`` as in its
    state dict) is the backbone output of ``out_indices`` entry ``i``, named ``stage{i + 1}``
    like a ResNet stage: ``backbone.layers.11`` (the last block of a 12-layer ViT, after the final
    LayerNorm, its patch tokens as an ``H/16 x W/16`` map; class token dropped) -> ``stage12``.

    Raises:
        ValueError: If the name is not a layer (of ``model``).
    """
    match = re.fullmatch(r'(?:backbone\.)?(?:layer|stage)(\d+)', name)
    vit_match = re.fullmatch(r'(?:backbone\.)?layers\.(\d+)', name)
    if match:
        layer = f'stage{int(match.group(1))}'
    elif vit_match:
        layer = f'stage{int(vit_match.group(1)) + 1}'
    elif name in ('decoder', 'decode_head', 'decoder_output'):
        layer = DECODER
    else:
        raise ValueError(f'unknown layer {name!r}: use backbone.layerN (or stageN; a ViT\'s block '
                         'i: backbone.layers.i) or decoder')
    if model is not None:
        model.check_layers([layer])
    return layer


def read_scaled_image(images: LabelledImages, i: int,
                      img_scale: Optional[Tuple[int, int]] = None) -> np.ndarray:
    """Image ``i`` (HxWx3 uint8 BGR), resized to ``img_scale`` = (height, width) if given
    (bilinear, from the file: the label resize of ``images`` is not applied first)."""
    img = dataclasses.replace(images, resize=None).read_image(i)
    if img_scale is not None and tuple(img.shape[:2]) != tuple(img_scale):
        img = mmcv.imresize(img, (img_scale[1], img_scale[0]), interpolation='bilinear')
    return img


def extract_dense_features(model: LayerFeatureModel,
                           images: LabelledImages,
                           layers: Union[str, Sequence[str]],
                           img_scale: Optional[Tuple[int, int]] = None,
                           progress: Optional[Callable[[Iterable], Iterable]] = None
                           ) -> Union[DenseFeatures, Dict[str, DenseFeatures]]:
    """Run the frozen model over a split (once) and keep the maps of some layers and the labels.

    Args:
        model (LayerFeatureModel): From :func:`ssl4dp_mm.features.build_feature_model`.
        images (LabelledImages): The split; its ``resize`` is the size labels are scored at.
        layers (str | Sequence[str]): Layer name(s) (see :func:`resolve_layer`).
        img_scale (tuple[int, int], optional): (height, width) the model sees. Defaults to None
            (the label size if ``images.resize`` is set, else the file's size).
        progress (Callable, optional): Wraps the iteration over images. Defaults to None.

    Returns:
        DenseFeatures | dict[str, DenseFeatures]: One split (``layers`` a name), or one per layer.

    Raises:
        ValueError: If a layer is unknown, or is ``decoder`` while the checkpoint had no decoder
            weights (it would be a random decoder on a trained backbone).
    """
    single = isinstance(layers, str)
    names = [resolve_layer(layer, model) for layer in ([layers] if single else layers)]
    if (DECODER in names and model.decoder_source == 'random init'
            and model.backbone_source != 'random init'):
        raise ValueError(f'{model.backbone_source!r} has no decoder weights (decoder.* or '
                         'decode_head.*): layer "decoder" would be random; evaluate a backbone '
                         'layer, or use a w/dec checkpoint')
    img_scale = img_scale or images.resize
    device = next(model.parameters()).device
    model.eval()
    feats = {name: [] for name in names}
    labels = []
    wrap = progress or (lambda it: it)
    for i in wrap(range(len(images))):
        img = read_scaled_image(images, i, img_scale)
        with torch.no_grad():
            out = model(model.preprocess(torch.from_numpy(img)[None].to(device)), names)
        for name in names:
            feats[name].append(out[name][0].float().cpu().numpy())  # CxHfxWf
        label = images.read_label(i)
        labels.append(label.astype(np.uint8 if label.max() <= 255 else np.int32))
    splits = {name: DenseFeatures(feats[name], labels, tuple(images.class_names),
                                  images.ignore_index, name, list(images.img_paths))
              for name in names}
    return splits[names[0]] if single else splits


def upsample_scores(scores: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    """KxHfxWf score map -> KxHxW, bilinear with ``align_corners=False`` (MMSeg's ``resize``)."""
    if tuple(scores.shape[-2:]) == tuple(size):
        return scores
    return F.interpolate(scores[None].float(), size=tuple(size), mode='bilinear',
                         align_corners=False)[0]


def linear_upsampling_matrix(n_in: int, n_out: int) -> torch.Tensor:
    """The ``n_out x n_in`` matrix of 1-D linear upsampling with ``align_corners=False``.

    Bilinear upsampling is separable, so ``F.interpolate(x, (H, W), 'bilinear')`` of an
    ``h x w`` map ``x`` equals ``Ry @ x @ Rx.T`` with ``Ry = linear_upsampling_matrix(h, H)`` and
    ``Rx = linear_upsampling_matrix(w, W)``.
    """
    eye = torch.eye(n_in, dtype=torch.float64)[None]  # 1 x n_in(channels) x n_in
    if n_in == n_out:
        return eye[0]
    return F.interpolate(eye, size=n_out, mode='linear', align_corners=False)[0].T


def segment_means(feat: np.ndarray, label: np.ndarray, ignore_index: int = 255
                  ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of the bilinearly upsampled feature map over each class segment of a label map,
    without building the upsampled map: the mean over a segment S of ``Ry F Rx^T`` is
    ``sum(F * (Ry^T 1_S Rx)) / |S|``.

    Args:
        feat (np.ndarray): CxHfxWf feature map.
        label (np.ndarray): HxW label map.
        ignore_index (int): Not a segment. Defaults to 255.

    Returns:
        tuple: ``S x C`` float32 segment means, their ``S`` classes and ``S`` pixel counts.
    """
    c, h, w = feat.shape
    big_h, big_w = label.shape
    ry = linear_upsampling_matrix(h, big_h)  # Hxh
    rx = linear_upsampling_matrix(w, big_w)  # Wxw
    classes = np.array([v for v in np.unique(label) if v != ignore_index], np.int64)
    if classes.size == 0:
        return np.zeros((0, c), np.float32), classes, np.zeros(0, np.int64)
    masks = torch.from_numpy(label[None] == classes[:, None, None]).double()  # SxHxW
    weights = ry.T @ masks @ rx  # Sxhxw
    area = masks.sum((1, 2))  # S
    x = torch.from_numpy(feat).double().reshape(c, -1)  # Cx(h*w)
    means = (weights.reshape(len(classes), -1) @ x.T) / area[:, None]  # SxC
    return means.float().numpy(), classes, area.long().numpy()
