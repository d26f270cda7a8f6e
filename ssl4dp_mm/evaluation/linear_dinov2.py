"""A linear segmentation probe in DINOv2's protocol (Oquab et al., 2023,
https://arxiv.org/abs/2304.07193; ``dinov2/eval/segmentation``, its ``BNHead``), trained in plain
torch on cached frozen features.

**Head.** DINOv2's ``BNHead``: the maps of its input layers resized bilinearly
(``align_corners=False``) to one grid and concatenated (``resize_concat``), a BatchNorm (SyncBN
there; here one process sees the whole batch, so plain BatchNorm has the same statistics), dropout
0, and a 1x1 conv (``conv_seg``, initialised N(0, 0.01) as MMSeg's decode heads). ``layers='last'``
(DINOv2's "linear") reads one layer; ``'last4'`` ("linear4") the concatenation of the last four:
for a ViT the last four blocks' patch-token maps (DINOv2 also appends the class token to every
cell; our token maps drop it), for a ResNet **the four stages' outputs (stage1 .. stage4), resized
to the finest of them** (stage1, stride 4: 960 channels for a ResNet-18; DINOv2 resizes to its
first input, which is the same grid).

**Training.** DINOv2's schedule: AdamW (lr 1e-3, weight decay 1e-4, betas 0.9 / 0.999), poly decay
(power 1) with a linear warm-up (ratio 1e-6) over 1500 of 40000 iterations, batch 16 (8 GPUs x 2),
512 x 512 crops (``cat_max_ratio`` 0.75), cross-entropy ignoring unlabelled pixels on the logits
upsampled bilinearly to the label crop. ``optimizer='sgd'`` uses MMSeg's schedule instead (lr 0.01,
momentum 0.9, weight decay 5e-4, poly power 0.9 to lr 1e-4, no warm-up). The frozen encoder runs
once per image; every iteration draws a batch of train images (seeded passes over the split), a
random ``crop_size`` window (in label-map pixels) of each, taken on the finest feature grid (exactly
the crop of the resized, concatenated map), and averages the cross-entropy over the labelled
pixels of the batch. Unlike DINOv2 the crop is cut from the features of the whole image (not an
encoding of the cropped image); there is no resize jitter (ratio 0.5 - 2.0), flip or photometric
distortion (each would need the encoder in every iteration); a crop is at most the smallest train
map.

**Evaluation.** Single scale: the head on the cached val maps, logits upsampled bilinearly to the
label map, arg-max (MMSeg's inference). Multi-scale (DINOv2's "+ms" test): the image resized by
each of ``scales`` (DINOv2: 1.0, 1.32, 1.73, 2.28, 3.0 x a 640-pixel short side; here x the scale
the split is encoded at) and, with ``flip``, mirrored; each is encoded, its logits upsampled to the
label map, soft-maxed, flipped back and averaged (MMSeg's ``aug_test``); arg-max. DINOv2 runs
sliding-window inference (512 crops, stride 341) for its ViTs; here each scale is encoded whole.
"""
import re
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..features.labelled_images import LabelledImages
from .dense_features import (DenseFeatures, linear_upsampling_matrix, read_scaled_image,
                             upsample_scores)
from .metrics import confusion_matrix, scores_from_confusion

DINOV2_SCALES = (1.0, 1.32, 1.73, 2.28, 3.0)  # the "+ms" test of dinov2/eval/segmentation
LAYER_MODES = ('last', 'last4')
# optimizer -> (lr, weight decay, poly power, final lr, warm-up fraction of the iterations)
OPTIMIZERS = {'adamw': (1e-3, 1e-4, 1.0, 0.0, 1500 / 40000), 'sgd': (1e-2, 5e-4, 0.9, 1e-4, 0.0)}
WARMUP_RATIO = 1e-6


def probe_variant(mode: str = 'last', multiscale: bool = False) -> str:
    """DINOv2's name of a setting: 'linear' / 'linear4', with '+ms' for the multi-scale test."""
    if mode not in LAYER_MODES:
        raise ValueError(f'layers must be one of {LAYER_MODES}, got {mode!r}')
    return ('linear' if mode == 'last' else 'linear4') + ('+ms' if multiscale else '')


# DINOv2's name of each setting -> (layers mode, multi-scale test)
_VARIANTS = {probe_variant(mode, ms): (mode, ms) for mode in LAYER_MODES for ms in (False, True)}
DINOV2_VARIANTS = tuple(_VARIANTS)  # 'linear', 'linear+ms', 'linear4', 'linear4+ms'


def variant_options(variant: str) -> Tuple[str, bool]:
    """The layers mode and multi-scale flag of a DINOv2 name ('linear', 'linear4', with '+ms';
    the inverse of :func:`probe_variant`).

    Raises:
        ValueError: naming ``variant`` if it is none of those.
    """
    if variant not in _VARIANTS:
        raise ValueError(f'unknown DINOv2 probe variant {variant!r}; known: {DINOV2_VARIANTS}')
    return _VARIANTS[variant]


def probe_layers(layer: str, available: Sequence[str], mode: str = 'last') -> List[str]:
    """The layers the head reads: ``'last'``: ``layer``; ``'last4'``: the four backbone stages
    ending at ``layer`` (``stage9 .. stage12`` for ``stage12``), in stage order.

    Raises:
        ValueError: If ``mode`` is unknown or a stage is not among ``available``.
    """
    if mode not in LAYER_MODES:
        raise ValueError(f'layers must be one of {LAYER_MODES}, got {mode!r}')
    if mode == 'last':
        return [layer]
    match = re.fullmatch(r'stage(\d+)', layer)
    if match is None:
        raise ValueError(f"layers='last4' reads the four backbone stages ending at the layer; "
                         f'{layer!r} is not a backbone stage')
    last = int(match.group(1))
    names = [f'stage{i}' for i in range(last - 3, last + 1)]
    missing = [n for n in names if n not in available]
    if last < 4 or missing:
        raise ValueError(f"layers='last4' on {layer!r} needs {names}; the model has "
                         f'{list(available)} (a ViT config needs out_indices with the last four '
                         'blocks, e.g. (8, 9, 10, 11))')
    return names


def resize_concat(maps: Sequence[torch.Tensor]) -> torch.Tensor:
    """``N x C_i x h_i x w_i`` maps -> ``N x sum(C_i) x H x W`` on the finest grid (the largest
    ``h_i * w_i``), bilinear with ``align_corners=False`` (DINOv2's ``resize_concat``)."""
    size = max((tuple(m.shape[-2:]) for m in maps), key=lambda s: s[0] * s[1])
    return torch.cat([m if tuple(m.shape[-2:]) == size else
                      F.interpolate(m, size=size, mode='bilinear', align_corners=False)
                      for m in maps], 1)


class BNLinearHead(nn.Module):
    """BatchNorm + 1x1 conv on the concatenated maps (DINOv2's ``BNHead`` with dropout 0).

    Args:
        in_channels (int): Channels of the concatenated maps.
        num_classes (int): Classes.
    """

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.bn = nn.BatchNorm2d(in_channels)
        self.conv_seg = nn.Conv2d(in_channels, num_classes, 1)
        nn.init.normal_(self.conv_seg.weight, 0, 0.01)
        nn.init.zeros_(self.conv_seg.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """NxCxHxW concatenated maps -> NxKxHxW logits."""
        return self.conv_seg(self.bn(x))


def poly_lr(it: int, iterations: int, base_lr: float, power: float = 1.0, min_lr: float = 0.0,
            warmup_iters: int = 0, warmup_ratio: float = WARMUP_RATIO) -> float:
    """Learning rate of iteration ``it`` (0-based) by mmcv's ``PolyLrUpdaterHook`` with linear
    warm-up: ``(base - min) (1 - it / iterations)^power + min``, times
    ``1 - (1 - it / warmup_iters)(1 - warmup_ratio)`` during the warm-up."""
    lr = (base_lr - min_lr) * (1 - it / iterations)**power + min_lr
    if it < warmup_iters:
        lr *= 1 - (1 - it / warmup_iters) * (1 - warmup_ratio)
    return lr


class _CropSampler:
    """Random crops of the cached maps on the finest grid and the matching label windows."""

    def __init__(self, train: Sequence[DenseFeatures], crop_size: Tuple[int, int],
                 cat_max_ratio: float, seed: int, device, cache_dtype: torch.dtype) -> None:
        first = train[0]
        self.maps = [[torch.from_numpy(split.feats[i]).to(device, cache_dtype) for split in train]
                     for i in range(len(first))]  # image -> layer -> CxHxW
        self.labels = [torch.from_numpy(lab.astype(np.int64)).to(device) for lab in first.labels]
        self.grids = [max((tuple(m.shape[1:]) for m in maps), key=lambda s: s[0] * s[1])
                      for maps in self.maps]
        label0, grid0 = first.labels[0].shape, self.grids[0]
        # crop in cells of the finest grid: crop_size label pixels at the first image's stride
        self.crop = (min([round(crop_size[0] * grid0[0] / label0[0])] + [g[0] for g in self.grids]),
                     min([round(crop_size[1] * grid0[1] / label0[1])] + [g[1] for g in self.grids]))
        self.crop = (max(1, self.crop[0]), max(1, self.crop[1]))
        self.crop_pixels = (round(self.crop[0] * label0[0] / grid0[0]),
                            round(self.crop[1] * label0[1] / grid0[1]))
        self.cat_max_ratio = cat_max_ratio
        self.ignore_index = first.ignore_index
        self.rng = np.random.default_rng(seed)
        self.order: List[int] = []
        self.device, self._mats = device, {}

    def _matrix(self, n_in: int, n_out: int) -> torch.Tensor:
        if (n_in, n_out) not in self._mats:
            self._mats[n_in, n_out] = linear_upsampling_matrix(n_in, n_out).float().to(self.device)
        return self._mats[n_in, n_out]

    def _window(self, i: int) -> Tuple[int, int, Tuple[slice, slice]]:
        """Cell offsets and label window of a crop of image ``i``; like MMSeg's ``RandomCrop``,
        up to 10 tries for a window no class fills beyond ``cat_max_ratio``."""
        (gh, gw), (ch, cw) = self.grids[i], self.crop
        lh, lw = self.labels[i].shape
        for _ in range(10):
            y0 = int(self.rng.integers(0, gh - ch + 1))
            x0 = int(self.rng.integers(0, gw - cw + 1))
            ly0, lx0 = round(y0 * lh / gh), round(x0 * lw / gw)
            win = (slice(ly0, max(round((y0 + ch) * lh / gh), ly0 + 1)),
                   slice(lx0, max(round((x0 + cw) * lw / gw), lx0 + 1)))
            if self.cat_max_ratio >= 1:
                break
            lab = self.labels[i][win]
            cnt = torch.bincount(lab[lab != self.ignore_index].flatten())
            cnt = cnt[cnt > 0]
            if len(cnt) > 1 and cnt.max() / cnt.sum() < self.cat_max_ratio:
                break
        return y0, x0, win

    def crop_map(self, i: int, y0: int, x0: int) -> torch.Tensor:
        """The ``crop`` window at ``(y0, x0)`` of image ``i``'s maps resized to its finest grid and
        concatenated, computed from the source rows / columns the window reads (exact)."""
        (gh, gw), (ch, cw) = self.grids[i], self.crop
        out = []
        for m in self.maps[i]:
            if tuple(m.shape[1:]) == (gh, gw):
                out.append(m[:, y0:y0 + ch, x0:x0 + cw].float())
                continue
            ry = self._matrix(m.shape[1], gh)[y0:y0 + ch]  # ch x h
            rx = self._matrix(m.shape[2], gw)[x0:x0 + cw]  # cw x w
            rows = torch.nonzero(ry.abs().sum(0)).flatten()
            cols = torch.nonzero(rx.abs().sum(0)).flatten()
            r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
            out.append(torch.einsum('yh,chw,xw->cyx', ry[:, r0:r1], m[:, r0:r1, c0:c1].float(),
                                    rx[:, c0:c1]))
        return torch.cat(out, 0)

    def batch(self, batch_size: int) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        """``B x C x ch x cw`` crops and their B label windows."""
        while len(self.order) < batch_size:
            self.order += self.rng.permutation(len(self.maps)).tolist()
        idx, self.order = self.order[:batch_size], self.order[batch_size:]
        crops, labels = [], []
        for i in idx:
            y0, x0, win = self._window(i)
            crops.append(self.crop_map(i, y0, x0))
            labels.append(self.labels[i][win])
        return torch.stack(crops), labels


def train_bn_linear_head(train: Sequence[DenseFeatures],
                         iterations: int = 40000,
                         batch_size: int = 16,
                         crop_size: Tuple[int, int] = (512, 512),
                         optimizer: str = 'adamw',
                         lr: Optional[float] = None,
                         weight_decay: Optional[float] = None,
                         warmup_iters: Optional[int] = None,
                         cat_max_ratio: float = 0.75,
                         seed: int = 0,
                         device: Union[str, torch.device] = 'cpu',
                         cache_dtype: torch.dtype = torch.float32) -> Tuple[BNLinearHead, dict]:
    """Train the head on the cached maps of the train split.

    Args:
        train (Sequence[DenseFeatures]): One split per layer the head reads (same images).
        iterations (int): Optimiser steps. Defaults to 40000.
        batch_size (int): Crops per step. Defaults to 16.
        crop_size (tuple[int, int]): (h, w) of a crop in label-map pixels (clipped to the
            smallest train map). Defaults to (512, 512).
        optimizer (str): 'adamw' (DINOv2) or 'sgd' (MMSeg). Defaults to 'adamw'.
        lr (float, optional): Base lr. Defaults to None (1e-3 AdamW, 1e-2 SGD).
        weight_decay (float, optional): Defaults to None (1e-4 AdamW, 5e-4 SGD).
        warmup_iters (int, optional): Linear warm-up steps. Defaults to None (AdamW: 1500 /
            40000 of ``iterations``, as DINOv2; SGD: 0).
        cat_max_ratio (float): Crop retry bound of MMSeg's ``RandomCrop``. Defaults to 0.75.
        seed (int): Seed of the head's initialisation, the batches and the crops. Defaults to 0.
        device (str | torch.device): Where the head trains and the maps are kept.
            Defaults to 'cpu'.
        cache_dtype (torch.dtype): Dtype the maps are kept in (float16 halves the memory).
            Defaults to torch.float32.

    Returns:
        tuple: The trained head (eval mode) and the settings that were used (``lr``,
        ``crop_size`` actually used in label pixels, ``final_loss``, ...).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f'optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}')
    _check_layers(train)
    base_lr, base_wd, power, min_lr, warmup_frac = OPTIMIZERS[optimizer]
    lr = base_lr if lr is None else lr
    weight_decay = base_wd if weight_decay is None else weight_decay
    warmup_iters = round(warmup_frac * iterations) if warmup_iters is None else warmup_iters
    channels = sum(split.dim for split in train)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        head = BNLinearHead(channels, train[0].num_classes).to(device)
    if optimizer == 'adamw':
        opt = torch.optim.AdamW(head.parameters(), lr=lr, betas=(0.9, 0.999),
                                weight_decay=weight_decay)
    else:
        opt = torch.optim.SGD(head.parameters(), lr=lr, momentum=0.9, weight_decay=weight_decay)
    sampler = _CropSampler(train, crop_size, cat_max_ratio, seed, device, cache_dtype)
    ignore = train[0].ignore_index
    head.train()
    loss_value = float('nan')
    for it in range(iterations):
        for group in opt.param_groups:
            group['lr'] = poly_lr(it, iterations, lr, power, min_lr, warmup_iters)
        crops, labels = sampler.batch(batch_size)
        logits = head(crops)  # BxKxchxcw
        loss_sum, pixels = logits.new_zeros(()), 0
        for logit, label in zip(logits, labels):
            up = F.interpolate(logit[None], size=tuple(label.shape), mode='bilinear',
                               align_corners=False)
            loss_sum = loss_sum + F.cross_entropy(up, label[None], ignore_index=ignore,
                                                  reduction='sum')
            pixels += int((label != ignore).sum())
        loss = loss_sum / max(pixels, 1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_value = float(loss.detach())
    head.eval()
    info = dict(optimizer=optimizer, lr=lr, weight_decay=weight_decay, poly_power=power,
                min_lr=min_lr, warmup_iters=warmup_iters, iterations=iterations,
                batch_size=batch_size, crop_size=list(sampler.crop_pixels),
                crop_cells=list(sampler.crop), cat_max_ratio=cat_max_ratio,
                channels=channels, final_loss=loss_value)
    return head, info


def _check_layers(splits: Sequence[DenseFeatures]) -> None:
    if not splits:
        raise ValueError('the probe needs at least one layer')
    first = splits[0]
    for split in splits[1:]:
        if len(split) != len(first) or split.class_names != first.class_names or any(
                a.shape != b.shape for a, b in zip(split.labels, first.labels)):
            raise ValueError(f'layers {first.layer!r} and {split.layer!r} do not hold the same '
                             'images (extract them in one pass)')


@torch.no_grad()
def head_scores(head: BNLinearHead, val: Sequence[DenseFeatures],
                device: Union[str, torch.device] = 'cpu') -> Dict[str, object]:
    """Single-scale mIoU of the head on cached maps (one split per layer): logits upsampled
    bilinearly to each label map, arg-maxed."""
    _check_layers(val)
    c = val[0].num_classes
    conf = np.zeros((c, c), np.int64)
    for i, label in enumerate(val[0].labels):
        maps = [torch.from_numpy(split.feats[i])[None].float().to(device) for split in val]
        logits = head(resize_concat(maps))[0].cpu()  # KxHfxWf
        pred = upsample_scores(logits, label.shape).argmax(0).numpy()
        conf += confusion_matrix(pred, label, c, c, val[0].ignore_index)
    return scores_from_confusion(conf)


@torch.no_grad()
def multiscale_scores(head: BNLinearHead,
                      model,
                      images: LabelledImages,
                      layers: Sequence[str],
                      img_scale: Optional[Tuple[int, int]] = None,
                      scales: Sequence[float] = DINOV2_SCALES,
                      flip: bool = True,
                      progress: Optional[Callable[[Iterable], Iterable]] = None
                      ) -> Dict[str, object]:
    """Multi-scale (and flip) mIoU: softmax of the upsampled logits averaged over every scale and
    flip (MMSeg's ``aug_test``), arg-maxed.

    Args:
        head (BNLinearHead): The trained head.
        model (LayerFeatureModel): The frozen model (it re-encodes each scale).
        images (LabelledImages): The scored split; its ``resize`` is the label size.
        layers (Sequence[str]): The layers the head reads, in its order.
        img_scale (tuple[int, int], optional): (h, w) of scale 1.0. Defaults to None (the label
            size if ``images.resize`` is set, else each file's size).
        scales (Sequence[float]): Scale factors. Defaults to DINOV2_SCALES.
        flip (bool): Also the mirrored image at every scale. Defaults to True.
        progress (Callable, optional): Wraps the iteration over images. Defaults to None.

    Returns:
        dict: ``mIoU``, ``aAcc``, ``IoU`` (%).
    """
    device = next(model.parameters()).device
    model.eval()
    head = head.to(device).eval()
    c = len(images.class_names)
    conf = np.zeros((c, c), np.int64)
    for i in (progress or (lambda it: it))(range(len(images))):
        label = images.read_label(i)
        base = img_scale or images.resize or read_scaled_image(images, i).shape[:2]
        prob = torch.zeros((c, ) + label.shape)
        for s in scales:
            img = read_scaled_image(images, i, (round(base[0] * s), round(base[1] * s)))
            for mirrored in ((False, True) if flip else (False, )):
                x = torch.from_numpy(np.ascontiguousarray(img[:, ::-1] if mirrored else img))
                out = model(model.preprocess(x[None].to(device)), list(layers))
                logits = head(resize_concat([out[name].float() for name in layers]))[0].cpu()
                p = torch.softmax(upsample_scores(logits, label.shape), 0)  # KxHxW
                prob += p.flip(-1) if mirrored else p
        conf += confusion_matrix(prob.argmax(0).numpy(), label, c, c, images.ignore_index)
    return scores_from_confusion(conf)


def dinov2_linear_probe(train: Sequence[DenseFeatures],
                        val: Sequence[DenseFeatures],
                        iterations: int = 40000,
                        batch_size: int = 16,
                        crop_size: Tuple[int, int] = (512, 512),
                        optimizer: str = 'adamw',
                        lr: Optional[float] = None,
                        weight_decay: Optional[float] = None,
                        warmup_iters: Optional[int] = None,
                        seed: int = 0,
                        device: Union[str, torch.device] = 'cpu',
                        multiscale: bool = False,
                        model=None,
                        val_images: Optional[LabelledImages] = None,
                        img_scale: Optional[Tuple[int, int]] = None,
                        scales: Sequence[float] = DINOV2_SCALES,
                        flip: bool = True,
                        cache_dtype: torch.dtype = torch.float32) -> Dict[str, object]:
    """Train the head on ``train`` and score ``val`` at a single scale (and multi-scale).

    Args:
        train (Sequence[DenseFeatures]): One split per layer (see :func:`probe_layers`).
        val (Sequence[DenseFeatures]): The same layers of the scored split.
        iterations (int): See :func:`train_bn_linear_head`. Defaults to 40000.
        batch_size (int): Defaults to 16.
        crop_size (tuple[int, int]): Defaults to (512, 512).
        optimizer (str): 'adamw' or 'sgd'. Defaults to 'adamw'.
        lr (float, optional): Defaults to None (per optimizer).
        weight_decay (float, optional): Defaults to None (per optimizer).
        warmup_iters (int, optional): Defaults to None (per optimizer).
        seed (int): Defaults to 0.
        device (str | torch.device): Defaults to 'cpu'.
        multiscale (bool): Also the multi-scale + flip test (needs ``model`` and
            ``val_images``); it is then the main ``mIoU``. Defaults to False.
        model (LayerFeatureModel, optional): For the multi-scale test. Defaults to None.
        val_images (LabelledImages, optional): For the multi-scale test. Defaults to None.
        img_scale (tuple[int, int], optional): Scale 1.0 of the multi-scale test.
            Defaults to None.
        scales (Sequence[float]): Defaults to DINOV2_SCALES.
        flip (bool): Defaults to True.
        cache_dtype (torch.dtype): Defaults to torch.float32.

    Returns:
        dict: ``mIoU``, ``aAcc``, ``IoU`` (%), ``mIoU_single_scale``, ``variant``
        ('linear' / 'linear4', '+ms'), ``layers`` and the training settings.
    """
    if train[0].class_names != val[0].class_names:
        raise ValueError('train and val splits have different classes')
    if [s.layer for s in train] != [s.layer for s in val]:
        raise ValueError('train and val splits read different layers')
    if multiscale and (model is None or val_images is None):
        raise ValueError('the multi-scale test re-encodes the val images: pass model and '
                         'val_images')
    head, info = train_bn_linear_head(train, iterations, batch_size, crop_size, optimizer, lr,
                                      weight_decay, warmup_iters, seed=seed, device=device,
                                      cache_dtype=cache_dtype)
    single = head_scores(head, val, device)
    layers = [s.layer for s in train]
    variant = 'linear' if len(layers) == 1 else f'linear{len(layers)}'
    result = dict(single, mIoU_single_scale=single['mIoU'], layers=layers, **info)
    if multiscale:
        ms = multiscale_scores(head, model, val_images, layers, img_scale, scales, flip)
        result.update(ms, scales=list(scales), flip=flip)
        variant += '+ms'
    result['variant'] = variant
    return result
