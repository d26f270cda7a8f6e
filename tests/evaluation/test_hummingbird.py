"""Hummingbird-style dense nearest-neighbour retrieval: patch label distributions against a
per-pixel count, softmax weights by hand, blocked search against brute force, the memory bank's
sampling (uniform and nested; the per-image rule's preference for rare classes against its exact
probability), augmented crops that stay aligned with their labels, one-hot codes give 100%,
shuffled features give chance, and the score does not fall as the bank grows."""
import math
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ssl4dp_mm.evaluation import (DenseFeatures, bank_from_split, bank_size_sweep,
                                  build_memory_bank, hummingbird_segmentation,
                                  patch_label_distributions, retrieve_distributions)
from ssl4dp_mm.evaluation.hummingbird import (_BankBuilder, augmented_views, nearest_resize,
                                              random_resized_crop_box)
from ssl4dp_mm.features.labelled_images import LabelledImages
from tests.evaluation.helpers import blob_labels, one_hot_split, shuffled

# BGR colour of each class in the colour-coded scenes below
PALETTE = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]], np.float32)


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread: these tiny ops only pay for a second one on a shared machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize('ignore_as', [None, 0])
def test_distributions_equal_a_per_pixel_count(ignore_as):
    rng = np.random.default_rng(0)
    label = rng.integers(0, 3, (13, 17))
    label[rng.random(label.shape) < 0.2] = 255
    label[:4, :4] = 255  # cell (0, 0) has no labelled pixel (unless ignore_as)
    dists, counts = patch_label_distributions(label, (4, 5), 3, ignore_as=ignore_as)
    expected = np.zeros((4, 5, 3))
    for y in range(13):
        for x in range(17):
            c = label[y, x] if label[y, x] != 255 else ignore_as
            if c is not None:
                expected[y * 4 // 13, x * 5 // 17, c] += 1
    n = expected.sum(2)
    np.testing.assert_array_equal(counts.numpy(), n.ravel())
    np.testing.assert_allclose(dists.numpy().reshape(4, 5, 3),
                               expected / np.maximum(n, 1)[..., None], rtol=1e-6)
    assert (n[0, 0] == 0) == (ignore_as is None)
    with pytest.raises(ValueError, match='neither a class'):
        patch_label_distributions(np.full((4, 4), 7), (2, 2), 3)


def test_softmax_weights_by_hand():
    """Three neighbours at cosine 0.9, 0.8 and 0.5 of the query, T = 0.1: weights
    e^9, e^8, e^5 over their sum; with k = 2 the softmax runs over the first two only."""
    query = np.array([[1.0, 0.0]], np.float32)
    bank = np.array([[0.8, 0.6], [0.5, math.sqrt(0.75)], [0.9, math.sqrt(0.19)]], np.float32)
    dists = np.array([[0, 1, 0], [0.5, 0, 0.5], [1, 0, 0]], np.float32)
    e9, e8, e5 = math.exp(9), math.exp(8), math.exp(5)
    expected = (e9 * dists[2] + e8 * dists[0] + e5 * dists[1]) / (e9 + e8 + e5)
    out = retrieve_distributions(query, bank, dists, k=3, temperature=0.1)
    np.testing.assert_allclose(out[0].numpy(), expected, rtol=1e-5)
    two = retrieve_distributions(query, bank, dists, k=2, temperature=0.1)
    np.testing.assert_allclose(two[0].numpy(), (e9 * dists[2] + e8 * dists[0]) / (e9 + e8),
                               rtol=1e-5)
    assert out.sum().item() == pytest.approx(1.0)


def test_blocked_search_equals_brute_force():
    rng = np.random.default_rng(1)
    q = rng.standard_normal((23, 6)).astype(np.float32)
    bank = rng.standard_normal((57, 6)).astype(np.float32)
    dists = rng.dirichlet(np.ones(4), 57).astype(np.float32)
    out = retrieve_distributions(q, bank, dists, k=5, temperature=0.7, query_chunk=7,
                                 bank_chunk=9)
    sim = q.astype(np.float64) @ bank.T
    expected = np.zeros((23, 4))
    for i in range(23):
        top = np.argsort(-sim[i])[:5]
        w = np.exp(sim[i, top] / 0.7)
        expected[i] = (w / w.sum()) @ dists[top]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match='search must be'):
        retrieve_distributions(q, bank, dists, search='scann')


def test_faiss_search_equals_exact_search():
    pytest.importorskip('faiss')
    rng = np.random.default_rng(2)
    q = rng.standard_normal((40, 8)).astype(np.float32)
    bank = rng.standard_normal((300, 8)).astype(np.float32)
    dists = rng.dirichlet(np.ones(3), 300).astype(np.float32)
    exact = retrieve_distributions(q, bank, dists, k=10, temperature=0.5)
    fast = retrieve_distributions(q, bank, dists, k=10, temperature=0.5, search='faiss')
    torch.testing.assert_close(fast, exact, rtol=1e-4, atol=1e-5)


def test_one_hot_codes_give_100_and_shuffled_features_give_chance():
    labels, clean = blob_labels(12, seed=0)
    val_labels, val_clean = blob_labels(6, seed=1)
    bank = bank_from_split(one_hot_split(labels, clean, stride=2))
    res = hummingbird_segmentation(bank, one_hot_split(val_labels, val_clean, stride=2))
    assert res['mIoU'] == 100.0 and res['aAcc'] == 100.0 and res['mIoU_iou_matched'] == 100.0
    assert res['bank_size'] == 12 * 64 and [s['bank_size'] for s in res['sweep']] == [768]
    # shuffled bank features carry no information: the predictions are independent of the
    # labels, so the pixel accuracy is sum_c p(pred = c) p(label = c) (within sampling noise)
    big, big_clean = blob_labels(60, h=32, w=32, seed=2)
    val = one_hot_split(val_labels, val_clean, stride=2, noise=0.3)
    noisy = bank_from_split(shuffled(one_hot_split(big, big_clean, stride=2, noise=0.3)))
    res = hummingbird_segmentation(noisy, val)
    qx, _, _ = val.cells()
    assert res['bank_size'] == 10240  # the largest bank of the sweep 1024 x 10^k
    cell_dists = retrieve_distributions(qx, *noisy.take(10240), 30, 0.02)
    preds, truth, row = [], [], 0
    for feat, label in zip(val.feats, val.labels):
        n = feat.shape[1] * feat.shape[2]
        up = F.interpolate(cell_dists[row:row + n].T.reshape(1, 4, *feat.shape[1:]), label.shape,
                           mode='bilinear', align_corners=False)[0].argmax(0).numpy()
        row += n
        preds.append(up[label != 255])
        truth.append(label[label != 255])
    pred, y = np.concatenate(preds), np.concatenate(truth)
    chance = 100 * (np.bincount(pred, minlength=4) / len(pred)) @ (np.bincount(y, minlength=4)
                                                                   / len(y))
    assert res['aAcc'] == pytest.approx(100 * np.mean(pred == y))
    assert res['aAcc'] == pytest.approx(chance, abs=6)
    assert res['mIoU'] < 30


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_score_does_not_fall_as_the_bank_grows(seed):
    """Noisy one-hot codes (sigma 0.5): nested banks of 30 .. 15360 entries."""
    train, train_clean = blob_labels(60, h=32, w=32, seed=2)
    val, val_clean = blob_labels(8, h=32, w=32, seed=1)
    bank = bank_from_split(one_hot_split(train, train_clean, stride=2, noise=0.5, seed=5),
                           seed=seed)
    res = hummingbird_segmentation(bank, one_hot_split(val, val_clean, stride=2, noise=0.5,
                                                       seed=6),
                                   bank_sizes=[30, 100, 1000, 10000, bank.total])
    scores = [s['mIoU'] for s in res['sweep']]
    assert all(b >= a for a, b in zip(scores, scores[1:])), scores
    assert scores[-1] > scores[0] + 10 and res['mIoU'] == scores[-1]


def test_bank_size_sweep():
    assert bank_size_sweep(15000) == [1024, 10240]
    assert bank_size_sweep(10**7, max_size=2 * 10**6) == [1024, 10240, 102400, 1024000]
    assert bank_size_sweep(500) == [500] and bank_size_sweep(10**6, max_size=700) == [700]


def _builder_run(n, capacity, seed, batch):
    """Entries 0 .. n - 1 (their id in the first feature channel), added ``batch`` at a time."""
    builder = _BankBuilder(capacity, 1, 'uniform', seed)
    ids = torch.arange(n, dtype=torch.float32)
    for b0 in range(0, n, batch):
        part = ids[b0:b0 + batch]
        builder.add(torch.stack([part, torch.ones_like(part)], 1), torch.ones(len(part), 1),
                    torch.ones(len(part), dtype=torch.long))
    return builder.bank({})


def test_uniform_sample_is_nested_uniform_and_independent_of_batching():
    a, b = _builder_run(50, 20, seed=3, batch=7), _builder_run(50, 20, seed=3, batch=50)
    torch.testing.assert_close(a.feats, b.feats)  # same sample, however the entries came in
    # also when it drops entries on the way (it holds at most capacity + max(capacity / 2, 1024))
    many, once = _builder_run(3000, 100, seed=4, batch=7), _builder_run(3000, 100, 4, 3000)
    torch.testing.assert_close(many.feats, once.feats)
    assert many.total == 3000 and len(many.feats) == 100
    small, large = a.take(5)[0][:, 0], a.take(20)[0][:, 0]
    assert set(small.tolist()) <= set(large.tolist()) and len(set(large.tolist())) == 20
    with pytest.raises(ValueError, match='raise max_size'):
        a.take(21)
    # every entry is in the bank of 10 with probability 10 / 50
    hits = np.zeros(50)
    for seed in range(400):
        hits[_builder_run(50, 10, seed, batch=13).take(10)[0][:, 0].long().numpy()] += 1
    assert hits.sum() == 4000 and np.abs(hits / 400 - 0.2).max() < 0.1


def test_per_image_sampling_prefers_cells_of_rare_classes():
    """The open implementation's rule on a view of 3 cells of class 0 and 1 of class 1, one kept:
    scores 3 U_i and 1 U_r, the lowest kept, so the rare cell wins with probability
    P(U_r < 3 min(U_1, U_2, U_3)) = 99 / 324 + 8 / 27 = 0.602 (0.25 if uniform)."""
    dists = torch.tensor([[1.0, 0.0]] * 3 + [[0.0, 1.0]])
    feats = torch.eye(4)
    wins = 0
    for seed in range(400):
        builder = _BankBuilder(1, 1, 'per_image', seed)
        builder.add(feats, dists, torch.ones(4, dtype=torch.long))
        wins += int(builder.bank({}).take(1)[1][0, 1] == 1)
    assert wins / 400 == pytest.approx(99 / 324 + 8 / 27, abs=0.075)


def test_crop_box_follows_the_torchvision_rule():
    rng = np.random.default_rng(0)
    for _ in range(200):
        top, left, h, w = random_resized_crop_box(rng, 60, 80, (0.5, 2.0))
        assert 0 <= top and top + h <= 60 and 0 <= left and left + w <= 80
        if (h, w) != (60, 80):  # not the fallback: area and aspect in range (up to rounding)
            assert 0.5 * 4800 * 0.9 <= h * w and 0.7 <= w / h <= 1.43
    # no try fits: centre crop clamped to the largest ratio
    assert random_resized_crop_box(rng, 100, 300, (5.0, 6.0)) == (0, 83, 100, 133)
    np.testing.assert_array_equal(nearest_resize(np.arange(6).reshape(2, 3), (4, 3)),
                                  [[0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5]])


def _colour_scenes(root, n, seed, h=32, w=40):
    """Images whose pixel colours code their class (PALETTE), and their label maps."""
    labels, clean = blob_labels(n, h=h, w=w, seed=seed)
    imgs, anns = [], []
    for i, (label, full) in enumerate(zip(labels, clean)):
        imgs.append(osp.join(root, f'img{seed}_{i}.png'))
        anns.append(osp.join(root, f'ann{seed}_{i}.png'))
        mmcv.imwrite(PALETTE[full].astype(np.uint8), imgs[-1])
        mmcv.imwrite(label.astype(np.uint8), anns[-1])
    return LabelledImages(imgs, anns, ('c0', 'c1', 'c2', 'c3'))


def _colour_classes(imgs: torch.Tensor) -> torch.Tensor:
    """NxHxWx3 images -> NxHxW class of the nearest palette colour."""
    d = ((imgs.float()[..., None, :] - torch.from_numpy(PALETTE)) ** 2).sum(-1)  # NxHxWxK
    return d.argmin(-1)


def colour_encoder(imgs: torch.Tensor) -> torch.Tensor:
    """A stride-4 'model' whose feature is the class distribution of the colours of its cell."""
    one_hot = F.one_hot(_colour_classes(imgs), 4).permute(0, 3, 1, 2).float()  # NxKxHxW
    return F.avg_pool2d(one_hot, 4)


def test_augmented_bank_of_colour_coded_scenes(tmp_path):
    train = _colour_scenes(str(tmp_path), 16, seed=0)
    val = _colour_scenes(str(tmp_path), 4, seed=1)
    # a crop and its label crop stay aligned (through the flips too): the colours name the labels
    agree = [np.mean((_colour_classes(torch.from_numpy(img)[None])[0].numpy() == lab)[lab != 255])
             for img, lab in augmented_views(train, (32, 40), epochs=2, seed=4)]
    assert len(agree) == 32 and min(agree) > 0.8
    bank = build_memory_bank(colour_encoder, train, (32, 40), seed=4, batch_size=5)
    again = build_memory_bank(colour_encoder, train, (32, 40), seed=4, batch_size=16)
    torch.testing.assert_close(bank.feats, again.feats)
    assert bank.total == 16 * 8 * 10 and bank.sizes() == [1024]
    assert bank.settings['feature_grid'] == [8, 10] and bank.settings['mask_size'] == [32, 40]
    torch.testing.assert_close(bank.dists.sum(1), torch.ones(len(bank.dists)))
    query = DenseFeatures([colour_encoder(torch.from_numpy(val.read_image(i))[None])[0].numpy()
                           for i in range(len(val))],
                          [val.read_label(i) for i in range(len(val))], val.class_names, 255,
                          'stage4')
    res = hummingbird_segmentation(bank, query)
    assert res['mIoU'] > 90 and res['bank_size'] == 1024 and res['total_entries'] == 1280
    assert res['crop_size'] == [32, 40] and res['epochs'] == 1 and res['k'] == 30
    per_image = build_memory_bank(colour_encoder, train, (32, 40), epochs=2, max_size=640,
                                  sampling='per_image', seed=4)
    assert per_image.views == 32 and len(per_image.take(640)[0]) == 32 * 20
    assert len(per_image.take(320)[0]) == 32 * 10 and per_image.sizes() == [640]
