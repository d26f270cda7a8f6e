"""Float32 islands in mixed-precision training: the contrastive losses run in float32 whatever
autocast does around them.

Under autocast (``AmpOptimWrapper``, ``torch.autocast``) the network runs in float16 or bfloat16,
but two things in a contrastive loss must not:

- **dtype.** A queue of negatives is a float32 buffer. Autocast casts both operands of a matmul, so
  ``q @ queue.t()`` works inside the autocast region, but not in a custom autograd Function's
  backward (autocast is not on there) or when half tensors arrive outside autocast:
  ``expected m1 and m2 to have the same dtype``.
- **precision.** bfloat16 keeps 8 significant bits (~3 decimal digits). A logit ``q.k / 0.2`` near
  5 is then off by up to ~0.02, and CPU autocast keeps ``log_softmax``, ``logsumexp`` and
  ``normalize`` in bfloat16, so a softmax over thousands of negatives, or a sum of unit vectors
  minus its diagonal, loses most of its digits.

The tools here cast the loss inputs to float32 and switch autocast off for their device; the
gradients flow back into the network in its own dtype (autograd casts them). The matmuls they keep
in float32 are those of the loss (queries x negatives), small next to the network's convolutions.

- :func:`in_float32` decorates a plain loss function;
- :func:`float32_forward` and :func:`float32_backward` decorate a ``torch.autograd.Function``.
  They wrap PyTorch's ``torch.amp.custom_fwd(device_type='cuda', cast_inputs=torch.float32)`` and
  ``torch.amp.custom_bwd(device_type='cuda')``, which on their own are not enough: in torch 2.14,
  ``custom_fwd`` acts only when autocast is on *for its device_type* and casts only tensors *on that
  device* (``torch/amp/autocast_mode.py``: ``_cast`` checks ``value.device.type``), so under CPU
  autocast, or with half tensors outside any autocast region, it does nothing and the Function
  would run in mixed dtypes. The wrappers therefore also cast every floating tensor argument
  themselves and turn autocast off for the device the tensors are on (CPU, CUDA or another).
"""
import functools
from typing import Any, Callable, Iterable

import torch


def to_float32(value: Any) -> Any:
    """A half or bfloat16 tensor as float32; anything else (float32, float64, integer, bool tensors,
    non-tensors) unchanged. Differentiable: gradients return in the input's dtype."""
    if isinstance(value, torch.Tensor) and value.dtype in (torch.float16, torch.bfloat16):
        return value.float()
    return value


def device_type_of(values: Iterable[Any], default: str = 'cpu') -> str:
    """The device type (``'cpu'``, ``'cuda'``, ...) of the first tensor among ``values``.

    Args:
        values (Iterable): Arguments, some of them tensors.
        default (str): Returned when no value is a tensor. Defaults to 'cpu'.
    """
    for value in values:
        if isinstance(value, torch.Tensor):
            return value.device.type
    return default


def autocast_off(device_type: str) -> torch.autocast:
    """A context with autocast disabled on ``device_type`` (ops run in their inputs' dtype)."""
    return torch.autocast(device_type=device_type, enabled=False)


def in_float32(fn: Callable) -> Callable:
    """Decorate a loss function to run in float32 under any autocast, on any device.

    Its half / bfloat16 tensor arguments (positional and keyword, not those nested in containers)
    are cast to float32 and autocast is off for their device while it runs. Its outputs are float32.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with autocast_off(device_type_of([*args, *kwargs.values()])):
            return fn(*[to_float32(a) for a in args],
                      **{k: to_float32(v) for k, v in kwargs.items()})

    return wrapper


def float32_forward(forward: Callable) -> Callable:
    """Decorate the ``forward(ctx, *args)`` of a ``torch.autograd.Function`` to run in float32.

    ``torch.amp.custom_fwd(device_type='cuda', cast_inputs=torch.float32)`` (PyTorch's idiom, which
    also records on ``ctx`` the state :func:`float32_backward` restores) around a function that
    casts the half / bfloat16 tensor arguments to float32 and disables autocast on their device
    itself, for the cases ``custom_fwd`` leaves alone (CPU autocast; half tensors outside autocast;
    see the module docstring). Gradients returned by the backward are float32; autograd casts each
    to the dtype of its input.
    """

    @torch.amp.custom_fwd(device_type='cuda', cast_inputs=torch.float32)
    @functools.wraps(forward)
    def wrapper(ctx, *args):
        with autocast_off(device_type_of(args)):
            return forward(ctx, *[to_float32(a) for a in args])

    return wrapper


def float32_backward(backward: Callable) -> Callable:
    """Decorate the ``backward(ctx, *grads)`` of a Function whose forward is
    :func:`float32_forward`: ``torch.amp.custom_bwd(device_type='cuda')``, plus autocast off on the
    gradients' device (a backward called inside a CPU autocast region would otherwise run with CPU
    autocast on) and the incoming gradients in float32."""

    @torch.amp.custom_bwd(device_type='cuda')
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with autocast_off(device_type_of(grads)):
            return backward(ctx, *[to_float32(g) for g in grads])

    return wrapper
