"""The DINOv2 linear probe: the poly schedule by hand, the layers 'last4' reads, crops of the
resized and concatenated maps equal to F.interpolate, one-hot codes give 100% (one layer and
four), shuffled features give chance, and the multi-scale test at scale 1 equals the single-scale
score (with and without flip, on a flip-equivariant model) while re-encoding every scale."""
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from ssl4dp_mm.evaluation import (DenseFeatures, dinov2_linear_probe, extract_dense_features,
                                  head_scores, multiscale_scores, probe_layers,
                                  train_bn_linear_head)
from ssl4dp_mm.evaluation.linear_dinov2 import _CropSampler, poly_lr, probe_variant, resize_concat
from ssl4dp_mm.features.feature_model import LayerFeatureModel
from ssl4dp_mm.features.labelled_images import LabelledImages
from tests.evaluation.helpers import blob_labels, one_hot_split, shuffled

FAST = dict(iterations=150, batch_size=8, crop_size=(8, 8), lr=0.05)


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread: these tiny ops only pay for a second one on a shared machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_poly_schedule_with_warmup_by_hand():
    # mmcv's PolyLrUpdaterHook + linear warm-up (DINOv2: 1500 of 40000 iterations, ratio 1e-6)
    assert poly_lr(0, 40000, 1e-3, warmup_iters=1500) == pytest.approx(1e-3 * 1e-6)
    half = 1e-3 * (1 - 750 / 40000)
    assert poly_lr(750, 40000, 1e-3, warmup_iters=1500) == pytest.approx(
        half * (1 - 0.5 * (1 - 1e-6)))
    assert poly_lr(1500, 40000, 1e-3, warmup_iters=1500) == pytest.approx(1e-3 * 38500 / 40000)
    # MMSeg's SGD schedule: power 0.9 down to 1e-4
    assert poly_lr(500, 1000, 0.01, 0.9, 1e-4) == pytest.approx((0.01 - 1e-4) * 0.5**0.9 + 1e-4)


def test_layers_the_probe_reads():
    resnet = ['stage1', 'stage2', 'stage3', 'stage4', 'decoder']
    assert probe_layers('stage4', resnet) == ['stage4']
    assert probe_layers('stage4', resnet, 'last4') == ['stage1', 'stage2', 'stage3', 'stage4']
    vit = [f'stage{i}' for i in (9, 10, 11, 12)]
    assert probe_layers('stage12', vit, 'last4') == vit
    with pytest.raises(ValueError, match='out_indices'):
        probe_layers('stage12', ['stage12'], 'last4')
    with pytest.raises(ValueError, match='not a backbone stage'):
        probe_layers('decoder', resnet, 'last4')
    with pytest.raises(ValueError, match='layers must be'):
        probe_layers('stage4', resnet, 'linear4')
    assert probe_variant('last4', multiscale=True) == 'linear4+ms'


def test_crops_equal_crops_of_the_resized_concatenated_map():
    """A stride-4 ResNet stage next to stride-8 ones: resized to the finest grid (DINOv2's
    resize_concat), and a crop computed from the source rows it reads is that map's crop."""
    rng = np.random.default_rng(0)
    label = np.zeros((48, 64), np.int64)
    maps = [rng.standard_normal(s).astype(np.float32) for s in [(3, 12, 16), (5, 6, 8), (2, 6, 8)]]
    splits = [DenseFeatures([m], [label], ('a', 'b'), 255, f'stage{i + 1}')
              for i, m in enumerate(maps)]
    sampler = _CropSampler(splits, (20, 24), cat_max_ratio=1.0, seed=0, device='cpu',
                           cache_dtype=torch.float32)
    assert sampler.crop == (5, 6) and sampler.crop_pixels == (20, 24)
    full = resize_concat([torch.from_numpy(m)[None] for m in maps])[0]  # 10x12x16
    assert full.shape == (10, 12, 16)
    torch.testing.assert_close(full[:3], torch.from_numpy(maps[0]))
    torch.testing.assert_close(full[3:8], F.interpolate(torch.from_numpy(maps[1])[None], (12, 16),
                                                        mode='bilinear', align_corners=False)[0])
    for y0, x0 in [(0, 0), (7, 10), (3, 5)]:
        torch.testing.assert_close(sampler.crop_map(0, y0, x0), full[:, y0:y0 + 5, x0:x0 + 6],
                                   rtol=1e-5, atol=1e-6)
    crops, labels = sampler.batch(3)
    assert crops.shape == (3, 10, 5, 6) and all(lab.shape == (20, 24) for lab in labels)


def test_one_hot_codes_give_100_and_shuffled_features_give_chance():
    labels, clean = blob_labels(12, seed=0)
    val_labels, val_clean = blob_labels(6, seed=1)
    train, val = one_hot_split(labels, clean, stride=2), one_hot_split(val_labels, val_clean,
                                                                       stride=2)
    res = dinov2_linear_probe([train], [val], **FAST)
    assert res['mIoU'] == 100.0 and res['variant'] == 'linear' and res['layers'] == ['stage4']
    assert res['crop_size'] == [8, 8] and res['crop_cells'] == [4, 4] and res['channels'] == 6
    assert res['warmup_iters'] == round(150 * 1500 / 40000) and res['optimizer'] == 'adamw'
    # four layers (a ViT's: one grid), each a differently permuted code: concatenated, 100%
    perms = [np.array(p) for p in ([0, 1, 2, 3], [1, 2, 3, 0], [3, 2, 1, 0], [2, 0, 3, 1])]
    four = [[one_hot_split(lab, cl, stride=2, permute=p) for p in perms]
            for lab, cl in ((labels, clean), (val_labels, val_clean))]
    for splits in four:
        for i, split in enumerate(splits):
            split.layer = f'stage{9 + i}'
    res4 = dinov2_linear_probe(four[0], four[1], **FAST)
    assert res4['mIoU'] == 100.0 and res4['variant'] == 'linear4' and res4['channels'] == 24
    # the same with SGD (MMSeg's schedule, its own lr)
    sgd = dinov2_linear_probe([train], [val], iterations=150, batch_size=8, crop_size=(8, 8),
                              optimizer='sgd', lr=0.5)
    assert sgd['mIoU'] == 100.0 and sgd['poly_power'] == 0.9 and sgd['warmup_iters'] == 0
    # shuffled train features: predictions independent of the labels (about a majority guess)
    big, big_clean = blob_labels(40, h=32, w=32, seed=2)
    noisy = dinov2_linear_probe([shuffled(one_hot_split(big, big_clean, stride=2, noise=0.3))],
                                [one_hot_split(val_labels, val_clean, stride=2, noise=0.3)],
                                **FAST)
    y = np.concatenate([lab[lab != 255] for lab in val_labels])
    majority = 100 * np.bincount(y, minlength=4).max() / len(y)
    assert noisy['mIoU'] < 30 and noisy['aAcc'] < majority + 6


def test_training_is_seeded():
    labels, clean = blob_labels(6, seed=3)
    train = one_hot_split(labels, clean, stride=2, noise=0.5)
    a = train_bn_linear_head([train], iterations=20, batch_size=4, crop_size=(8, 8), seed=1)
    b = train_bn_linear_head([train], iterations=20, batch_size=4, crop_size=(8, 8), seed=1)
    c = train_bn_linear_head([train], iterations=20, batch_size=4, crop_size=(8, 8), seed=2)
    torch.testing.assert_close(a[0].conv_seg.weight, b[0].conv_seg.weight)
    assert a[1]['final_loss'] == b[1]['final_loss'] != c[1]['final_loss']
    with pytest.raises(ValueError, match='optimizer must be'):
        train_bn_linear_head([train], iterations=1, optimizer='lamb')


class _TinyBackbone(nn.Module):
    """Flip-equivariant stages: a 1x1 conv then 2x2 average pools (even sizes)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
        a = F.avg_pool2d(self.conv(x), 2)  # stage1: stride 2
        return a, F.avg_pool2d(a, 2)  # stage2: stride 4


class _Recording(LayerFeatureModel):
    """Remembers the size of every image it encodes."""
    sizes = []

    def forward(self, img, layers=None):
        self.sizes.append(tuple(img.shape[-2:]))
        return super().forward(img, layers)


def _colour_images(root, n, seed):
    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
    labels, clean = blob_labels(n, h=32, w=40, seed=seed)
    imgs, anns = [], []
    for i, (label, full) in enumerate(zip(labels, clean)):
        imgs.append(osp.join(root, f'img{seed}_{i}.png'))
        anns.append(osp.join(root, f'ann{seed}_{i}.png'))
        mmcv.imwrite(palette[full], imgs[-1])
        mmcv.imwrite(label.astype(np.uint8), anns[-1])
    return LabelledImages(imgs, anns, ('c0', 'c1', 'c2', 'c3'))


def test_multiscale_test_at_scale_one_equals_single_scale(tmp_path):
    torch.manual_seed(0)
    model = _Recording(_TinyBackbone(), None, ['stage1', 'stage2'], [0, 0, 0],
                       [255, 255, 255]).eval()
    train_imgs = _colour_images(str(tmp_path), 8, seed=0)
    val_imgs = _colour_images(str(tmp_path), 3, seed=1)
    layers = ['stage1', 'stage2']
    train = extract_dense_features(model, train_imgs, layers)
    val = extract_dense_features(model, val_imgs, layers)
    head, _ = train_bn_linear_head([train[n] for n in layers], iterations=60, batch_size=4,
                                   crop_size=(16, 16), lr=0.05)
    single = head_scores(head, [val[n] for n in layers])
    assert single['mIoU'] > 60
    one = multiscale_scores(head, model, val_imgs, layers, scales=(1.0, ), flip=False)
    assert one['mIoU'] == single['mIoU']
    flipped = multiscale_scores(head, model, val_imgs, layers, scales=(1.0, ), flip=True)
    assert flipped['mIoU'] == pytest.approx(single['mIoU'], abs=0.5)
    _Recording.sizes.clear()
    ms = multiscale_scores(head, model, val_imgs, layers, scales=(1.0, 1.5, 2.0), flip=True)
    assert _Recording.sizes == 3 * [(32, 40), (32, 40), (48, 60), (48, 60), (64, 80), (64, 80)]
    assert 0 <= ms['mIoU'] <= 100
    res = dinov2_linear_probe([train[n] for n in layers], [val[n] for n in layers],
                              iterations=10, batch_size=4, crop_size=(16, 16), multiscale=True,
                              model=model, val_images=val_imgs, scales=(1.0, 1.5))
    assert res['variant'] == 'linear2+ms' and res['scales'] == [1.0, 1.5] and res['flip']
    assert 0 <= res['mIoU_single_scale'] <= 100 and 0 <= res['mIoU'] <= 100
    with pytest.raises(ValueError, match='pass model'):
        dinov2_linear_probe([train['stage1']], [val['stage1']], iterations=1, multiscale=True)
