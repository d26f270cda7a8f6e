"""Continued pre-training of a TimmDenseBackbone: the constructor hands the checkpoint to the
backbone (DINOv2 file, or a run of ours with its neck), refusals reach the user with the key named,
and an MMSeg ViT given a DINOv2 file is pointed at TimmDenseBackbone."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from tests.checkpoints.timm_checkpoints import DinoV2Replica, dinov2_expected, state_of
from tests.conftest import load_config

CFG = 'selfsup/plmoco/plmoco_vit-s14_1xb16-20e_voc12aug_from-dinov2.py'


@pytest.fixture(autouse=True)
def mmselfsup_scope():
    init_default_scope('mmselfsup')


def _build(cfg_path=CFG, **backbone):
    cfg = load_config(cfg_path).model
    cfg.queue_len = 64
    cfg.backbone.update(backbone)
    cfg.neck.in_channels = backbone.get('embed_dim', cfg.neck.in_channels)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _construct(path, prefixes=('backbone.', )):
    return OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='ContinuedPretrainOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='AdamW', lr=1e-4)),
        paramwise_cfg=dict(init_checkpoint=path, checkpoint_prefixes=prefixes)))


TINY = dict(embed_dim=48, depth=2, num_heads=2)


def test_dinov2_file_fills_the_backbone_and_tags_its_groups(tmp_path):
    ckpt = state_of(DinoV2Replica(grid=37), seed=21)
    path = str(tmp_path / 'dinov2_vits14_pretrain.pth')
    torch.save(ckpt, path)
    model = _build(**TINY)
    constructor = _construct(path)
    wrapper = constructor(model)
    assert constructor.layout == 'dinov2'
    own = model.backbone.model.state_dict()
    expected = dinov2_expected(ckpt)
    assert set(own) == set(expected)
    for k, v in expected.items():
        assert torch.equal(own[k], v), k
    names = {id(p): n for n, p in model.named_parameters()}
    for group in wrapper.optimizer.param_groups:
        (p, ) = group['params']
        assert group['loaded'] == names[id(p)].startswith('backbone.'), names[id(p)]
    model.init_weights()  # the runner's: the loaded backbone is kept
    assert torch.equal(model.backbone.model.cls_token, ckpt['cls_token'])


def test_a_run_of_ours_continues_with_its_neck(tmp_path):
    run = _build(**TINY)
    path = str(tmp_path / 'iter_2.pth')
    torch.save({'state_dict': run.state_dict(), 'meta': {}}, path)
    model = _build(**TINY)
    constructor = _construct(path, ('backbone.', 'neck.'))
    constructor(model)
    assert constructor.layout == 'timm'
    state = model.state_dict()
    for k, v in run.state_dict().items():
        if k.startswith(('backbone.', 'neck.')):
            assert torch.equal(state[k], v), k


def test_refusals_name_the_key(tmp_path):
    path = str(tmp_path / 'ckpt.pth')
    torch.save(state_of(DinoV2Replica(grid=37, registers=4)), path)
    with pytest.raises(ValueError, match=r"has 4 register tokens \('register_tokens'\)"):
        _construct(path)(_build(**TINY))
    torch.save(state_of(DinoV2Replica(grid=37, depth=3)), path)
    with pytest.raises(ValueError, match=r"depth mismatch: .*'blocks\.2'"):
        _construct(path)(_build(**TINY))


def test_an_mmseg_vit_points_dinov2_files_at_the_timm_backbone(tmp_path):
    path = str(tmp_path / 'ckpt.pth')
    torch.save(state_of(DinoV2Replica(dim=192, heads=3, patch=16, grid=14, depth=12)), path)
    cfg = load_config('selfsup/plmoco/plmoco_vit-t16-fcn_1xb8-300i_toyscenes.py').model
    cfg.queue_len = 64
    with pytest.raises(ValueError, match=r"'blocks\.0\.ls1\.gamma' has no counterpart .*"
                       r"mmseg\.TimmDenseBackbone"):
        _construct(path)(MODELS.build(cfg))
