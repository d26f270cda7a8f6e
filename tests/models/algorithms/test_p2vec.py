"""P2Vec: InfoNCE of contexts against words by a direct loop, and the blindness to the centre."""
import pytest
import torch
import torch.nn.functional as F

from tests.models.algorithms.patch_family_utils import batch, tiny_model


@pytest.mark.parametrize('decoder', ['mocofcn', None])
def test_loss_matches_loop_over_masked_locations(decoder):
    model = tiny_model('p2vec', decoder, mask_ratio=0.25)
    views, samples = batch([[[0, 0, 32, 32]]] * 2, num_views=1)
    img = views[0]
    torch.manual_seed(5)
    out = model.loss(views, samples)
    torch.manual_seed(5)  # the loss draws nothing random before its mask: the same mask again
    with torch.no_grad():
        words = model.words(img)  # NxCxhxw
        n, c, h, w = words.shape
        mask = model.sample_mask(n, h, w)
        ctx = model.contexts(img, mask)
    assert mask.flatten(1).sum(1).tolist() == [round(0.25 * h * w)] * n
    all_words = [(b, i) for b in range(n) for i in range(h * w)]
    temperature = model.head.temperature
    losses = []
    for b in range(n):
        for i in range(h * w):
            if not mask[b, i // w, i % w]:
                continue
            context = ctx[b, :, i // w, i % w]
            logits = [torch.dot(context, words[b, :, i // w, i % w])]  # the true word first
            logits += [torch.dot(context, words[bb, :, j // w, j % w])
                       for bb, j in all_words if (bb, j) != (b, i)]  # every other word
            losses.append(-F.log_softmax(torch.stack(logits) / temperature, 0)[0])
    torch.testing.assert_close(out['loss'], torch.stack(losses).mean(), rtol=1e-4, atol=1e-5)


def test_context_never_sees_the_masked_pixels():
    model = tiny_model('p2vec')
    img = torch.randn(2, 3, 32, 32)
    n, _, h, w = model.words(img).shape
    stride = 32 // h
    mask = model.sample_mask(n, h, w)
    pix = mask.repeat_interleave(stride, 1).repeat_interleave(stride, 2)[:, None]  # Nx1xHxW
    with torch.no_grad():
        ctx = model.contexts(img, mask)
        inside = model.contexts(img + 5. * torch.randn_like(img) * pix, mask)
        outside = model.contexts(img + 5. * torch.randn_like(img) * (~pix), mask)
    torch.testing.assert_close(inside, ctx)  # changing the hidden centres changes nothing
    assert not torch.allclose(outside, ctx)  # the visible context does matter


def test_both_projectors_and_the_decoder_learn():
    model = tiny_model('p2vec')
    views, samples = batch([[[0, 0, 32, 32]]] * 2, num_views=1)
    model.loss(views, samples)['loss'].backward()
    for module in (model.backbone, model.decoder, model.neck, model.word_neck):
        assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())


def test_bad_mask_ratio_is_refused():
    with pytest.raises(ValueError, match='mask_ratio'):
        tiny_model('p2vec', mask_ratio=0.)
