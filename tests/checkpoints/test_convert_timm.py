"""tools/convert_checkpoint.py on a raw public DINOv2 file (the official hub layout) for the
timm linear-probe leaf: every backbone tensor lands where the backbone's own loader puts it, only
the classifier is new, and the converted weights load strictly into the segmentation model."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ssl4dp_mm.checkpoints.convert import convert_checkpoint
from ssl4dp_mm.paths import CONFIG_ROOT, PROJECT_ROOT
from tests.checkpoints.timm_checkpoints import DinoV2Replica, state_of

LEAF = osp.join(CONFIG_ROOT, 'seg', 'timm', 'linear_vit-s14-dinov2_lp-3k_voc12aug.py')
SMALL = dict(embed_dim=48, depth=2, num_heads=2)


def small_leaf(tmp_path) -> str:
    """The DINOv2 linear-probe leaf at width 48, depth 2 (the test replica's size)."""
    path = tmp_path / 'leaf.py'
    path.write_text(f"_base_ = '{LEAF}'\n"
                    f'model = dict(backbone=dict(**{SMALL!r}),\n'
                    '             decode_head=dict(in_channels=48, channels=48))\n')
    return str(path)


def seg_model(config: str):
    cfg = Config.fromfile(config)
    init_default_scope('mmseg')
    from mmseg.registry import MODELS
    return MODELS.build(cfg.model)


def test_raw_dinov2_file_converts_for_the_timm_leaf(tmp_path):
    raw = state_of(DinoV2Replica(grid=37), seed=7)  # the released 518 px grid
    src, dst = str(tmp_path / 'dinov2_vits14_pretrain.pth'), str(tmp_path / 'mmseg.pth')
    torch.save(raw, src)
    leaf = small_leaf(tmp_path)
    report = convert_checkpoint(src, dst, leaf, verbose=False)
    assert report['source'] == 'dinov2'
    assert report['missing'] == ['decode_head.conv_seg.weight', 'decode_head.conv_seg.bias']
    assert report['unexpected'] == []
    converted = torch.load(dst, weights_only=True)['state_dict']
    # independent: the backbone's own loader on the same file
    model = seg_model(leaf)
    model.backbone.load_checkpoint(src)
    want = {f'backbone.{k}': v for k, v in model.backbone.state_dict().items()}
    assert set(converted) == set(want)
    for k, v in want.items():
        assert torch.equal(converted[k], v), k
    # and they load strictly into the segmentation model, the classifier aside
    missing, unexpected = seg_model(leaf).load_state_dict(converted, strict=False)
    assert unexpected == [] and sorted(missing) == sorted(report['missing'])


def test_raw_dinov2_file_that_does_not_fit_is_refused_naming_both(tmp_path):
    raw = state_of(DinoV2Replica(depth=3, grid=37), seed=8)
    src = str(tmp_path / 'deeper.pth')
    torch.save(raw, src)
    with pytest.raises(ValueError, match=r'deeper\.pth does not fit .*leaf\.py: .*depth mismatch'):
        convert_checkpoint(src, str(tmp_path / 'out.pth'), small_leaf(tmp_path), verbose=False)
    assert not osp.exists(tmp_path / 'out.pth')


def test_command_line_converts_the_raw_file(tmp_path):
    src, dst = str(tmp_path / 'raw.pth'), str(tmp_path / 'mmseg.pth')
    torch.save(state_of(DinoV2Replica(grid=37), seed=9), src)
    res = subprocess.run([sys.executable, 'tools/convert_checkpoint.py', src, dst, '--seg-config',
                          small_leaf(tmp_path)], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    assert '(dinov2 layout)' in res.stdout and osp.isfile(dst)
