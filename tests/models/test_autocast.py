"""Every pre-training method under CPU autocast (bfloat16): one loss forward and backward from the
same weights, batch and random state as in float32, compared.

This is what ``AmpOptimWrapper`` (``optim_wrapper.type='AmpOptimWrapper'``) does on a GPU with
``dtype='bfloat16'``: the data preprocessor and the forward run inside autocast, the backward
outside. It catches a float32 buffer (a queue) meeting half-precision features where autocast does
not cast them (a custom autograd Function's backward, an indexed write), and losses computed in too
few digits.

Bounds (``LOSS_RTOL``, ``LOSS_ATOL``, ``GRAD_COS``, ``GRAD_REL``): bfloat16 keeps 8 significant
bits, a relative rounding error of up to 2^-9 ~ 0.2% per value. The losses themselves are float32
islands (``ssl4dp_mm.models.utils.amp``), so a loss moves only by what the ~20 bfloat16 layers of
ResNet-18 + decoder do to the features: a cosine ``q.k`` by about one bfloat16 step (2^-8 ~ 4e-3),
a logit ``q.k / T`` by 0.02-0.04 at T = 0.2-0.1, and a mean of log-softmaxes by at most that.
Measured over three batches: at most 0.006 absolute (1.4% relative; PLSiam's loss near 0 moved by
7e-4). The bound is 0.02 + 2% of the loss. Gradients go back through those layers in bfloat16 too
and lose agreement with depth (projector / predictor cosine >= 0.98, backbone stem ~0.94-0.98);
the whole network's gradient measured cosine 0.955-0.997 and relative difference 0.08-0.30; the
bounds are 0.93 and 0.4. A float32 queue meeting bfloat16 features unguarded fails outright
(``expected m1 and m2 to have the same dtype``). ``pytest -s`` prints the figures.
"""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, set_random_seed
from mmselfsup.registry import MODELS

from tests.conftest import load_config

LOSS_RTOL = 2e-2  # relative difference of the loss, bfloat16 vs float32
LOSS_ATOL = 2e-2  # absolute: ~ one bfloat16 step of a cosine over the temperature
GRAD_COS = 0.93  # cosine of the whole network's gradient, bfloat16 vs float32
GRAD_REL = 0.4  # |g_bf16 - g_fp32| / |g_fp32|

TOY = 'selfsup/{0}/{1}_r18-d8{2}_1xb8-300i_toyscenes.py'
METHODS = {
    'MoCo w/dec': TOY.format('mocodec', 'mocodec', '-mocofcn'),
    'PLMoCo w/o dec': TOY.format('plmoco', 'plmoco', ''),
    'PLMoCo w/dec': TOY.format('plmoco', 'plmoco', '-mocofcn'),
    'PLMoCo+': TOY.format('plmocoplus', 'plmocoplus', '-mocofcn'),
    'PLSiam': TOY.format('plsiam', 'plsiam', '-mocofcn'),
    'PRCL': TOY.format('prcl', 'prcl', '-mocofcn'),
    'P2Vec': TOY.format('p2vec', 'p2vec', '-mocofcn'),
    'RLMoCo': TOY.format('rlmoco', 'rlmoco', '-mocofcn'),
    'patch rotation': TOY.format('plr', 'plr', '-mocofcn'),
    'DetCon-S': TOY.format('detcon', 'detcons', '-mocofcn'),
    'DetCon-B': TOY.format('detcon', 'detconb', '-mocofcn'),
    'Exemplar-v2': TOY.format('exemplar_v2', 'exemplarv2', '-mocofcn'),
    'MoCo multi-crop': TOY.format('mocomc', 'mocomc', '-mocofcn'),
}


def loss_and_grads(model, batch, seed: int, amp: bool):
    """One step's total loss and every parameter's gradient, from the model's current state.

    As ``BaseModel.train_step`` under ``AmpOptimWrapper.optim_context``: preprocessing and forward
    inside autocast, the sum of the ``*loss*`` terms, backward outside.
    """
    model.zero_grad(set_to_none=True)
    torch.manual_seed(seed)  # the methods' draws (shuffles, sampled cells, masks) alike
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=amp):
        data = model.data_preprocessor(copy.deepcopy(batch), True)
        losses = model._run_forward(data, mode='loss')
    loss, _ = model.parse_losses(losses)
    loss.backward()
    grads = {name: p.grad.detach().double().clone()
             for name, p in model.named_parameters() if p.grad is not None}
    return float(loss), grads


@pytest.mark.parametrize('method', list(METHODS))
def test_bfloat16_loss_and_gradients_stay_near_float32(method, toy_root):
    cfg = load_config(METHODS[method], toy_root)
    init_default_scope('mmselfsup')
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg.model:
            cfg.model[key] = 64
    cfg.train_dataloader.batch_size = 2
    set_random_seed(0)  # the views' crops and colours (Python, NumPy and torch generators)
    batch = next(iter(Runner.build_dataloader(cfg.train_dataloader, seed=0)))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    state = copy.deepcopy(model.state_dict())  # weights, EMA copies, queues, BN statistics

    loss32, grads32 = loss_and_grads(model, batch, seed=1, amp=False)
    model.load_state_dict(state)
    loss16, grads16 = loss_and_grads(model, batch, seed=1, amp=True)

    assert grads32 and set(grads16) == set(grads32), 'the same parameters get gradients'
    g32 = torch.cat([g.flatten() for g in grads32.values()])
    g16 = torch.cat([grads16[name].flatten() for name in grads32])
    cos = float(F.cosine_similarity(g16, g32, dim=0))
    rel = float((g16 - g32).norm() / g32.norm())
    print(f'\n{method}: loss fp32 {loss32:.5f} bf16 {loss16:.5f} '
          f'(rel {abs(loss16 - loss32) / max(abs(loss32), 1e-12):.2e}), grad cos {cos:.5f}, '
          f'grad rel diff {rel:.3e}')
    assert torch.isfinite(torch.tensor([loss16, loss32])).all()
    assert abs(loss16 - loss32) <= LOSS_RTOL * abs(loss32) + LOSS_ATOL, (loss16, loss32)
    assert g32.norm() > 0
    assert cos >= GRAD_COS, cos
    assert rel <= GRAD_REL, rel
