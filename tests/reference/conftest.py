"""Fixtures and helpers of the reference-scale tests: the tiny VOC aug / Cityscapes layouts, a
synthetic ImageNet MoCo v2 checkpoint, and configs shrunk to run 2 iterations on CPU.

The end-to-end tests of every reference config are marked ``reference_full`` and skipped unless
the marker is selected (``pytest -m reference_full tests/reference``; the marker is handled in
tests/conftest.py); a representative subset runs by default (see test_reference_end_to_end.py).
"""
import pytest
import torch

from ssl4dp_mm.benchmarking.small_pretrain import small_pretrain_config
from tests._helpers.small_run import small_seg_config
from tests.conftest import FULL  # noqa: F401  (the marker; registered and skipped there)


@pytest.fixture(scope='session')
def reference_roots(tmp_path_factory):
    """The generated VOC 2012 aug and Cityscapes layouts: {'voc': root, 'cityscapes': root}."""
    from ssl4dp_mm.datasets.reference_layouts import make_cityscapes, make_voc_aug
    root = str(tmp_path_factory.mktemp('reference_layouts'))
    return dict(voc=make_voc_aug(root), cityscapes=make_cityscapes(root))


def torchvision_resnet50_state(seed: int = 0) -> dict:
    """A torchvision ResNet-50 with random weights and non-trivial BN statistics."""
    import torchvision
    torch.manual_seed(seed)
    net = torchvision.models.resnet50()
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 2)
    return net.state_dict()


def moco_layout(tv_state: dict, with_key_encoder: bool = True) -> dict:
    """``tv_state`` as facebookresearch/moco saves it: the query encoder under module.encoder_q
    with MoCo v2's 2-layer MLP as fc.0 / fc.2, the key encoder and the queue beside it."""
    body = {k: v for k, v in tv_state.items() if not k.startswith('fc.')}
    body.update({'fc.0.weight': torch.randn(2048, 2048) * 0.01, 'fc.0.bias': torch.zeros(2048),
                 'fc.2.weight': torch.randn(128, 2048) * 0.01, 'fc.2.bias': torch.zeros(128)})
    state = {f'module.encoder_q.{k}': v for k, v in body.items()}
    if with_key_encoder:
        state.update({f'module.encoder_k.{k}': v.clone() for k, v in body.items()})
    state['module.queue'] = torch.randn(128, 16)
    state['module.queue_ptr'] = torch.zeros(1, dtype=torch.long)
    return dict(epoch=800, arch='resnet50', state_dict=state)


@pytest.fixture(scope='session')
def mocov2_checkpoint(tmp_path_factory):
    """A synthetic moco_v2_800ep_pretrain.pth.tar (facebookresearch/moco layout, ResNet-50), and
    the torchvision state dict it was made from."""
    tv_state = torchvision_resnet50_state()
    path = str(tmp_path_factory.mktemp('mocov2') / 'moco_v2_800ep_pretrain.pth.tar')
    torch.save(moco_layout(tv_state, with_key_encoder=False), path)
    return path, tv_state


def tiny_pretrain_config(rel_path: str, data_root: str, init_checkpoint: str, work_dir: str,
                         **kwargs):
    """``configs/<rel_path>`` cut down by :func:`small_pretrain_config` (2 iterations, 32 px)."""
    from tests.conftest import load_config
    return small_pretrain_config(load_config(rel_path), data_root, init_checkpoint, work_dir,
                                 **kwargs)


def tiny_seg_config(rel_path: str, data_root: str, load_from: str, work_dir: str, **kwargs):
    """``configs/<rel_path>`` cut down by :func:`small_seg_config` (2 iterations, 64 px crops)."""
    from tests.conftest import load_config
    return small_seg_config(load_config(rel_path), data_root, load_from, work_dir, **kwargs)
