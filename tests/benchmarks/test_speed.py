"""benchmarks/speed.py: the ResNet-50 variant widens every part that reads the backbone."""
import pytest
import torch
from mmengine.registry import init_default_scope

from tests.conftest import load_config, load_tool


@pytest.mark.parametrize('config', [
    'selfsup/p2vec/p2vec_r18-d8-mocofcn_1xb8-300i_toyscenes.py',  # word_neck reads the backbone
    'selfsup/plmoco/plmoco_r18-d8_1xb8-300i_toyscenes.py',  # neck reads the backbone
])
def test_widen_for_r50_builds_a_consistent_model(config):
    speed = load_tool('speed', folder='benchmarks')
    cfg = load_config(config)
    speed.widen_for_r50(cfg.model)
    assert cfg.model.backbone.depth == 50
    init_default_scope('mmselfsup')
    from mmselfsup.registry import MODELS
    model = MODELS.build(cfg.model)
    feats = model.backbone(torch.zeros(1, 3, 64, 64))
    assert feats[-1].shape[1] == 2048
    for name in ('decoder', 'neck', 'word_neck'):
        part = getattr(model, name, None)
        if part is not None:
            first = next(m for m in part.modules() if isinstance(m, torch.nn.Conv2d))
            assert first.in_channels in (2048, 256), (name, first.in_channels)  # 256: after decoder
    if getattr(model, 'word_neck', None) is not None:
        first = next(m for m in model.word_neck.modules() if isinstance(m, torch.nn.Conv2d))
        assert first.in_channels == 2048
