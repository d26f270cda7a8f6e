"""LP-100% without SGD noise: the same linear classifier on the same frozen map, fitted to
convergence on cached features.

The LP-100% protocol trains only ``conv_seg``, a 1x1 convolution on the frozen map whose logits
MMSeg upsamples bilinearly to the label map before the cross-entropy. A 1x1 convolution and
bilinear upsampling are both linear and commute (the bilinear weights sum to one, so the bias
passes through), so the logit of pixel p is ``W f(p) + b`` with ``f(p)`` the upsampled feature at p:
the probe is multinomial logistic regression on pixel features, a convex problem. Here it is solved
to convergence with full-batch L-BFGS (strong-Wolfe line search) on the features of a seeded uniform
sample of labelled train pixels (``features_at_pixels``: exactly the upsampled map at those pixels),
with an L2 penalty that makes the optimum unique. Given a checkpoint, the result is deterministic
(same pixels, same optimum); what differs from an LP-100% run is only the optimiser: no
augmentation, no dropout, no random batches, no learning-rate schedule.

The features are standardised (train-pixel mean and std) for the solver's conditioning and the
solution is folded back into a 1x1 conv on the raw map: ``W' = W / std``, ``b' = b - W' mean``. The
L2 penalty ``weight_decay / 2 * |W|^2`` acts on the standardised weights.
``class_weight='balanced'`` weights each pixel's loss by ``N / (K n_c)`` (n_c: its class's sampled
pixels), still convex.
"""
from typing import Dict, Optional

import numpy as np
import torch
import torch.nn.functional as F

from ..features.at_pixels import features_at_pixels
from .dense_features import DenseFeatures, upsample_scores
from .metrics import confusion_matrix, scores_from_confusion


def sample_train_pixels(split: DenseFeatures, pixels_per_image: Optional[int] = 256,
                        seed: int = 0):
    """Features and labels of up to ``pixels_per_image`` labelled pixels per image, drawn
    uniformly without replacement (seeded); None takes every labelled pixel. Defaults to 256.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``N x C`` float32 upsampled features, N labels.
    """
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for feat, label in zip(split.feats, split.labels):
        flat = np.flatnonzero(label.ravel() != split.ignore_index)
        if pixels_per_image is not None and len(flat) > pixels_per_image:
            flat = np.sort(rng.choice(flat, pixels_per_image, replace=False))
        if not len(flat):
            continue
        yx = torch.from_numpy(np.stack(np.unravel_index(flat, label.shape), 1))
        xs.append(features_at_pixels(torch.from_numpy(feat)[None], yx, label.shape).numpy())
        ys.append(label.ravel()[flat].astype(np.int64))
    if not xs:
        raise ValueError('the train split has no labelled pixel')
    return np.concatenate(xs), np.concatenate(ys)


def fit_linear_probe(x: np.ndarray,
                     y: np.ndarray,
                     num_classes: int,
                     weight_decay: float = 1e-4,
                     class_weight: Optional[str] = None,
                     max_iter: int = 1000,
                     tolerance_grad: float = 1e-6) -> Dict[str, object]:
    """Minimise ``mean_i w_i CE(W x_i + b, y_i) + weight_decay / 2 * |W|^2`` (standardised x)
    with full-batch L-BFGS.

    Args:
        x (np.ndarray): NxC features.
        y (np.ndarray): N class indices.
        num_classes (int): K.
        weight_decay (float): L2 penalty on the (standardised) weights. Defaults to 1e-4.
        class_weight (str, optional): None (every pixel 1) or 'balanced'. Defaults to None.
        max_iter (int): L-BFGS iterations at most. Defaults to 1000.
        tolerance_grad (float): Stop when the largest gradient entry is below this.
            Defaults to 1e-6.

    Returns:
        dict: ``weight`` KxC and ``bias`` K (float64 tensors for the *raw* features),
        ``loss`` (the objective at the solution), ``grad_max``, ``iterations``.
    """
    if class_weight not in (None, 'balanced'):
        raise ValueError(f"class_weight must be None or 'balanced', got {class_weight!r}")
    xt = torch.from_numpy(x).double()
    yt = torch.from_numpy(y.astype(np.int64))
    mean, std = xt.mean(0), xt.std(0).clamp(min=1e-6)
    z = (xt - mean) / std  # NxC
    counts = torch.bincount(yt, minlength=num_classes).double()
    w_class = (len(yt) / (num_classes * counts.clamp(min=1)) if class_weight == 'balanced' else
               torch.ones(num_classes, dtype=torch.float64))
    pixel_w = w_class[yt] / w_class[yt].sum()  # sums to 1: a weighted mean
    weight = torch.zeros(num_classes, z.shape[1], dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(num_classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([weight, bias], lr=1, max_iter=max_iter, history_size=20,
                            tolerance_grad=tolerance_grad, tolerance_change=1e-12,
                            line_search_fn='strong_wolfe')

    def objective():
        ce = F.cross_entropy(z @ weight.T + bias, yt, reduction='none')  # N
        return (pixel_w * ce).sum() + 0.5 * weight_decay * (weight * weight).sum()

    def closure():
        opt.zero_grad()
        loss = objective()
        loss.backward()
        return loss

    opt.step(closure)
    loss = closure()
    grad_max = max(weight.grad.abs().max().item(), bias.grad.abs().max().item())
    state = opt.state[opt._params[0]]
    w_raw = (weight / std).detach()  # KxC
    b_raw = (bias - w_raw @ mean).detach()
    return dict(weight=w_raw, bias=b_raw, loss=float(loss.item()), grad_max=grad_max,
                iterations=int(state.get('n_iter', 0)))


def probe_scores(split: DenseFeatures, weight: torch.Tensor, bias: torch.Tensor) -> Dict:
    """mIoU of the 1x1 conv ``(weight, bias)`` on ``split``: logits per cell, upsampled
    bilinearly to the label map, arg-maxed (MMSeg's inference)."""
    conf = np.zeros((split.num_classes, split.num_classes), np.int64)
    for feat, label in zip(split.feats, split.labels):
        logits = torch.einsum('kc,chw->khw', weight, torch.from_numpy(feat).double())
        logits = logits + bias[:, None, None]
        pred = upsample_scores(logits, label.shape).argmax(0).numpy()
        conf += confusion_matrix(pred, label, split.num_classes, split.num_classes,
                                 split.ignore_index)
    return scores_from_confusion(conf)


def convex_linear_probe(train: DenseFeatures,
                        val: DenseFeatures,
                        pixels_per_image: Optional[int] = 256,
                        weight_decay: float = 1e-4,
                        class_weight: Optional[str] = None,
                        seed: int = 0,
                        max_iter: int = 1000) -> Dict[str, object]:
    """Fit the probe on ``train`` (see the module docstring) and score ``val``.

    Args:
        train (DenseFeatures): Split the probe is fitted on.
        val (DenseFeatures): Split it is scored on.
        pixels_per_image (int, optional): Train pixels per image (None: all). Defaults to 256.
        weight_decay (float): L2 penalty. Defaults to 1e-4.
        class_weight (str, optional): None or 'balanced'. Defaults to None.
        seed (int): Seed of the pixel sample. Defaults to 0.
        max_iter (int): L-BFGS iterations at most. Defaults to 1000.

    Returns:
        dict: ``mIoU``, ``aAcc``, ``IoU`` (%, val), ``train_mIoU`` and the solver's ``loss``,
        ``grad_max``, ``iterations``, ``num_pixels``.
    """
    if train.class_names != val.class_names:
        raise ValueError('train and val splits have different classes')
    x, y = sample_train_pixels(train, pixels_per_image, seed)
    fit = fit_linear_probe(x, y, train.num_classes, weight_decay, class_weight, max_iter)
    result = probe_scores(val, fit['weight'], fit['bias'])
    result.update(train_mIoU=probe_scores(train, fit['weight'], fit['bias'])['mIoU'],
                  loss=fit['loss'], grad_max=fit['grad_max'], iterations=fit['iterations'],
                  num_pixels=int(len(y)), weight_decay=weight_decay, class_weight=class_weight,
                  pixels_per_image=pixels_per_image)
    return result
