"""The --device cuda code paths, checked on CPU: every tensor that our code creates during a
training step (queues, masks, boxes, indices, sampled cells, random numbers) is placed on the
inputs' device.

On a GPU, a tensor made without ``device=`` lands on the CPU and the next operation with a CUDA
tensor fails (or, for an index, silently copies every step). On a CPU machine the mistake is
invisible, so the test watches every tensor factory call (``torch.arange``, ``zeros``, ``rand``,
``randperm``, ...) made from the ``ssl4dp_mm`` package during ``train_step`` of every method's
config and fails on one without an explicit device.
"""
import os.path as osp
import sys

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmselfsup.registry import MODELS
from torch.overrides import TorchFunctionMode

import ssl4dp_mm
from tests.conftest import load_config

PACKAGE = osp.dirname(osp.abspath(ssl4dp_mm.__file__))
FACTORIES = {torch.arange, torch.zeros, torch.ones, torch.full, torch.empty, torch.rand,
             torch.randn, torch.randint, torch.randperm, torch.tensor, torch.eye, torch.linspace}

CONFIGS = [
    'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py',
    'selfsup/plmocoplus/plmocoplus_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/plsiam/plsiam_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/prcl/prcl_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/p2vec/p2vec_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/plr/plr_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/mocodec/mocodec_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/rlmoco/rlmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/detcon/detcons_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/detcon/detconb_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/exemplar_v2/exemplarv2_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    'selfsup/mocomc/mocomc_r18-d8-mocofcn_1xb8-300i_toyscenes.py',
    # decoders that read two stages (DeepLabv3+: a stride-4 map, pooled by P2Vec) or attend
    'selfsup/plmoco/plmoco_r18-d8-dlv3p_1xb8-300i_toyscenes.py',
    'selfsup/p2vec/p2vec_r18-d8-dlv3p_1xb8-300i_toyscenes.py',
    'selfsup/mocodec/mocodec_r18-d8-nl_1xb8-300i_toyscenes.py',
]


class DevicelessFactories(TorchFunctionMode):
    """Records tensor factory calls without ``device=`` whose caller is in the package."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in FACTORIES and kwargs.get('device') is None:
            caller = sys._getframe(1)  # the factories are C functions: this frame called it
            if caller.f_code.co_filename.startswith(PACKAGE):
                where = f'{osp.relpath(caller.f_code.co_filename, PACKAGE)}:{caller.f_lineno}'
                self.calls.append(f'{where} torch.{func.__name__}')
        return func(*args, **kwargs)


def test_the_watcher_sees_a_deviceless_call_from_the_package():
    """The check itself: a package function making a CPU tensor is caught, one given the device
    (or one outside the package) is not."""
    from ssl4dp_mm.models.utils.queue import FeatureQueue
    with DevicelessFactories() as mode:
        FeatureQueue(4, 2)  # its buffers are made on the CPU, then moved with the model
        torch.arange(3)  # this test's own call: not the package's
    assert mode.calls and all(c.startswith('models/utils/queue.py') for c in mode.calls)
    with DevicelessFactories() as mode:
        torch.arange(3, device='cpu')
    assert not mode.calls


@pytest.mark.parametrize('config', CONFIGS)
def test_train_step_places_every_tensor_on_the_input_device(config, toy_root):
    cfg = load_config(config, toy_root)
    init_default_scope('mmselfsup')
    for key in ('queue_len', 'img_queue_len'):
        if key in cfg.model:
            cfg.model[key] = 64
    cfg.train_dataloader.batch_size = 2
    batch = next(iter(Runner.build_dataloader(cfg.train_dataloader, seed=0)))
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    with DevicelessFactories() as mode:
        model.train_step(batch, optim_wrapper)
    assert not mode.calls, f'{config}: tensors made without device=: {sorted(set(mode.calls))}'
