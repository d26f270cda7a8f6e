"""The continued regime: the upstream MoCo v2 config trains on an image folder and its checkpoint
continues a CamVid method key for key, with the loaded parameters' lr ramp read from the optimizer's
groups at the first and the last iteration (against the reports' closed form, computed here)."""
import math
import os.path as osp

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from ssl4dp_mm.engine.continued_config import continued_config
from tests.conftest import load_config

UPSTREAM = 'selfsup/upstream/mocov2_r18_1xb64-200e_imagenet-sample.py'
CAMVID = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb16-120i_camvid.py'
ITERS = 4


def main_lr(t, base, T, rho=0.1):
    return base * (rho + (1 - rho) * (1 + math.cos(math.pi * min(t, T) / T)) / 2)


def rise_lr(t, base, T, s=0.1):
    return base * (s + (1 - s) * (1 - math.cos(math.pi * min(t, T) / T)) / 2)


class RecordLR(Hook):
    """Each iteration's (loaded tag, lr) per group, and the backbone before the first step."""

    def __init__(self):
        self.lrs, self.backbone0 = [], None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        groups = runner.optim_wrapper.optimizer.param_groups
        self.lrs.append([(g['loaded'], g['lr']) for g in groups])
        if self.backbone0 is None:
            self.backbone0 = {k: v.clone() for k, v in runner.model.backbone.state_dict().items()}


def _run(cfg, work_dir, name, hook=None):
    cfg.work_dir, cfg.experiment_name = str(work_dir), name
    cfg.visualizer.name = name
    runner = Runner.from_cfg(cfg)
    if hook is not None:
        runner.register_hook(hook)
    runner.train()
    return runner


@pytest.fixture(scope='module')
def upstream(toy_root, tmp_path_factory):
    """The upstream config, 1 epoch on the toy training images (a flat image folder too)."""
    work = tmp_path_factory.mktemp('upstream')
    cfg = load_config(UPSTREAM, toy_root, **{
        'train_dataloader.dataset.data_prefix.img_path': 'img_dir/train',
        'train_dataloader.batch_size': 4,
        'model.queue_len': 16,
        'train_cfg.max_epochs': 1,
        'param_scheduler.0.T_max': 1,
        'param_scheduler.0.end': 1,
        'default_hooks.checkpoint.interval': 1,
    })
    _run(cfg, work, 'test_upstream')
    return str(work / 'epoch_1.pth')


def test_upstream_config_is_the_camvid_backbone_without_dilation():
    up = load_config(UPSTREAM).model.backbone
    cam = load_config(CAMVID).model.backbone
    assert up.type == cam.type == 'mmseg.ResNetV1c' and up.depth == cam.depth == 18
    assert (up.strides, up.dilations) == ((1, 2, 2, 2), (1, 1, 1, 1))
    assert load_config(UPSTREAM).train_dataloader.dataset.data_root.endswith(
        'shared/datasets/imagenet-sample/')


@pytest.mark.parametrize('start_factor', [None, 1.0])
def test_continued_ramp_and_loaded_backbone(upstream, toy_root, tmp_path, start_factor):
    cfg = load_config(CAMVID, toy_root, **{
        'model.queue_len': 64,
        'train_cfg.max_iters': ITERS,
        'train_dataloader.batch_size': 2,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': ITERS,
    })
    cfg = continued_config(cfg, upstream, start_factor=start_factor)
    assert cfg.param_scheduler[0].T_max == cfg.param_scheduler[0].end == ITERS
    hook = RecordLR()
    _run(cfg, tmp_path, f'test_continued_{start_factor}', hook)
    base = cfg.optim_wrapper.optimizer.lr
    s = 0.1 if start_factor is None else start_factor
    assert len(hook.lrs) == ITERS
    for t in (0, ITERS - 1):  # the first and the last iteration
        loaded = [lr for tag, lr in hook.lrs[t] if tag]
        new = [lr for tag, lr in hook.lrs[t] if not tag]
        assert loaded and new
        want_loaded = min(rise_lr(t, base, ITERS, s), main_lr(t, base, ITERS))
        assert loaded == pytest.approx([want_loaded] * len(loaded))
        assert new == pytest.approx([main_lr(t, base, ITERS)] * len(new))
    if start_factor is None:
        assert hook.lrs[0][0][1] != hook.lrs[0][-1][1]  # 0.1x vs 1x at the start
        assert {tag for tag, _ in hook.lrs[0]} == {True, False}
        assert min(lr for _, lr in hook.lrs[0]) == pytest.approx(0.1 * base)
    else:  # one lr for all
        assert len({round(lr, 12) for _, lr in hook.lrs[0]}) == 1
    # the upstream backbone was loaded key for key and survived init_weights
    ckpt = torch.load(upstream, map_location='cpu', weights_only=True)['state_dict']
    up = {k[len('backbone.'):]: v for k, v in ckpt.items() if k.startswith('backbone.')}
    assert set(up) == set(hook.backbone0)
    for k, v in up.items():
        assert torch.equal(v, hook.backbone0[k]), k
    assert osp.isfile(osp.join(str(tmp_path), f'iter_{ITERS}.pth'))


def test_continued_config_refusals(tmp_path):
    with pytest.raises(ValueError, match='does not exist'):
        continued_config(load_config(CAMVID), str(tmp_path / 'missing.pth'))
    ckpt = tmp_path / 'x.pth'
    ckpt.write_bytes(b'')
    cfg = load_config(UPSTREAM)  # epoch-based: no max_iters
    with pytest.raises(ValueError, match='max_iters'):
        continued_config(cfg, str(ckpt))
