"""Real checkpoints made on the toy scenes, shared by the analysis tests (made once per session)."""
import os.path as osp

import pytest
import torch

from tests.conftest import config_path, load_config, train_few_iters

PRETRAIN_CFG = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
PRETRAIN_NODEC_CFG = 'selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py'
SEG_CFG = 'seg/mocofcn/mocofcn_r18-d8_ft100-300i_toyscenes.py'


@pytest.fixture(scope='session')
def pretrain_run(toy_root, tmp_path_factory):
    """PLMoCo w/dec trained for 2 iterations: its work dir and checkpoint."""
    work_dir = tmp_path_factory.mktemp('plmoco_dec')
    train_few_iters(load_config(PRETRAIN_CFG, toy_root, **{'model.queue_len': 64}), work_dir)
    ckpt = osp.join(str(work_dir), 'iter_2.pth')
    assert osp.isfile(ckpt)
    return dict(work_dir=str(work_dir), checkpoint=ckpt, config=config_path(PRETRAIN_CFG))


@pytest.fixture(scope='session')
def seg_checkpoint(tmp_path_factory):
    """An MMSeg segmentation checkpoint (backbone.*, decode_head.* with conv_seg) of the MoCoFCN
    segmentation config, with weights that differ from any seeded initialisation."""
    from mmengine.registry import DefaultScope
    from mmseg.registry import MODELS

    from ssl4dp_mm.checkpoints import save_checkpoint_atomic
    cfg = load_config(SEG_CFG)
    with DefaultScope.overwrite_default_scope('mmseg'), torch.random.fork_rng(devices=[]):
        torch.manual_seed(123)
        model = MODELS.build(cfg.model)
        state = {k: v + 0.01 * torch.randn_like(v) if v.is_floating_point() else v
                 for k, v in model.state_dict().items()}
    path = str(tmp_path_factory.mktemp('seg') / 'seg_iter_2.pth')
    save_checkpoint_atomic(dict(state_dict=state, meta=dict()), path)
    return dict(checkpoint=path, config=config_path(SEG_CFG))


@pytest.fixture(scope='session')
def reference_layouts(tmp_path_factory):
    """Tiny VOC 2012 aug (3 train + 3 aug + 2 val) and Cityscapes (3 train, 3 val) copies in their
    real layouts: {'voc': the VOC2012 folder, 'cityscapes': the cityscapes folder}."""
    from ssl4dp_mm.datasets.reference_layouts import make_cityscapes, make_voc_aug
    root = str(tmp_path_factory.mktemp('reference_layouts'))
    return dict(voc=make_voc_aug(root, {'train': 3, 'aug': 3, 'val': 2}),
                cityscapes=make_cityscapes(root, {'train': 3, 'val': 3}))
