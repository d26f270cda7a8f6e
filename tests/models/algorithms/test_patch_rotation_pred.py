"""Patch-level rotation prediction: the per-pixel cross-entropy against a direct loop."""
import pytest
import torch
import torch.nn.functional as F
from mmselfsup.structures import SelfSupDataSample

from tests.models.algorithms.patch_family_utils import tiny_model


def reference_loss(logits, target, ignore_index=255):
    """Cross-entropy over the cells of ``logits``; each cell's target is the nearest target
    pixel."""
    n, _, h, w = logits.shape
    big_h, big_w = target.shape[1:]
    terms, hits = [], []
    for b in range(n):
        for y in range(h):
            for x in range(w):
                # nearest: floor(dst * in/out)
                t = int(target[b, (y * big_h) // h, (x * big_w) // w])
                if t == ignore_index:
                    continue
                terms.append(-F.log_softmax(logits[b, :, y, x], 0)[t])
                hits.append(float(logits[b, :, y, x].argmax() == t))
    return torch.stack(terms).mean(), sum(hits) / len(hits)


def test_head_matches_loop_on_hand_made_tensors():
    head = tiny_model('plr').head
    feat = torch.randn(2, 16, 2, 3)
    target = torch.tensor([
        [[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2], [3, 3, 255, 255, 0, 0], [3, 3, 255, 255, 0, 0]],
        [[1, 2, 3, 0, 1, 2], [1, 2, 3, 0, 1, 2], [2, 2, 2, 2, 2, 2], [0, 1, 2, 3, 0, 1]],
    ])
    loss, acc = head(feat, target)
    expected, expected_acc = reference_loss(head.classifier(feat), target)
    torch.testing.assert_close(loss, expected)
    assert abs(acc.item() - expected_acc) < 1e-6


def test_all_ignored_gives_an_attached_zero():
    head = tiny_model('plr').head
    loss, _ = head(torch.randn(1, 16, 2, 2), torch.full((1, 8, 8), 255))
    assert loss.item() == 0.0
    loss.backward()


def test_model_trains_the_classifier_on_rot_label():
    model = tiny_model('plr')
    assert not any('conv_seg' in k for k in model.state_dict())  # the classifier is head.classifier
    img = torch.randn(2, 3, 32, 32)
    samples = []
    for seed in range(2):
        s = SelfSupDataSample()
        s.set_field(torch.randint(0, 4, (32, 32), generator=torch.Generator().manual_seed(seed)),
                    'rot_label')
        samples.append(s)
    out = model.loss([img], samples)
    target = torch.stack([s.rot_label for s in samples])
    expected, _ = reference_loss(model.head.classifier(model.encode(img)), target)
    torch.testing.assert_close(out['loss'], expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(KeyError, match='rot_label'):
        model.loss([img], [SelfSupDataSample(), SelfSupDataSample()])
