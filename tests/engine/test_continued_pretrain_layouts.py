"""Continued pre-training from the public checkpoint layouts at ResNet-50 scale: a synthetic
checkpoint in each layout (facebookresearch/moco, MMSelfSup model zoo, torchvision), made from
torchvision's ResNet-50, fills the plain-stem r50b-d8 backbone key for key; a deep-stem model is
refused with a message that names the variant to use."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmselfsup.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from tests.conftest import load_config
from tests.reference.conftest import moco_layout, torchvision_resnet50_state

CFG = 'selfsup/plmoco/plmoco_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py'


@pytest.fixture(autouse=True)
def mmselfsup_scope():
    init_default_scope('mmselfsup')


@pytest.fixture(scope='module')
def layouts(tmp_path_factory):
    """The same torchvision ResNet-50 saved in the three public layouts."""
    tv = torchvision_resnet50_state(seed=3)
    folder = tmp_path_factory.mktemp('layouts')
    files = dict(
        moco=folder / 'moco_v2_800ep_pretrain.pth.tar',
        mmselfsup=folder / 'mocov2_resnet50_8xb32-coslr-200e_in1k.pth',
        torchvision=folder / 'resnet50-0676ba61.pth')
    torch.save(moco_layout(tv), files['moco'])
    body = {'backbone.' + k: v for k, v in tv.items() if not k.startswith('fc.')}
    body['neck.mlp.0.weight'] = torch.zeros(2048, 2048, 1, 1)  # MMSelfSup keeps its neck
    torch.save(dict(meta=dict(epoch=200), state_dict=body), files['mmselfsup'])
    torch.save(tv, files['torchvision'])
    return {k: str(v) for k, v in files.items()}, tv


def _build(cfg_path, backbone_type=None):
    cfg = load_config(cfg_path).model
    cfg.queue_len = 64
    if backbone_type:
        cfg.backbone.type = backbone_type
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _construct(path):
    return OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='ContinuedPretrainOptimWrapperConstructor',
        optim_wrapper_cfg=dict(optimizer=dict(type='SGD', lr=0.02, momentum=0.9)),
        paramwise_cfg=dict(init_checkpoint=path)))


@pytest.mark.parametrize('layout', ['moco', 'mmselfsup', 'torchvision'])
def test_each_public_layout_fills_the_plain_stem_r50(layout, layouts):
    files, tv = layouts
    model = _build(CFG)
    constructor = _construct(files[layout])
    wrapper = constructor(model)
    assert constructor.layout == layout
    state = model.state_dict()
    backbone = [k for k in state if k.startswith('backbone.')]
    want = {'backbone.' + k: v for k, v in tv.items() if not k.startswith('fc.')}
    assert sorted(k for k in backbone if not k.endswith('num_batches_tracked')) == sorted(
        k for k in want if not k.endswith('num_batches_tracked'))
    assert all(torch.equal(state[k], want[k]) for k in want)  # stem (conv1/bn1) included
    loaded = [g for g in wrapper.optimizer.param_groups if g['loaded']]
    assert len(loaded) == sum(1 for k, _ in model.backbone.named_parameters())
    model.init_weights()  # the runner's, after the optimizer: the loaded weights stay
    assert torch.equal(model.state_dict()['backbone.conv1.weight'], tv['conv1.weight'])


@pytest.mark.parametrize('layout', ['moco', 'mmselfsup', 'torchvision'])
def test_deep_stem_model_is_refused_naming_the_variant(layout, layouts):
    files, _ = layouts
    deep = _build(CFG, 'mmseg.ResNetV1c')  # the deep-stem r50-d8
    with pytest.raises(ValueError) as err:
        _construct(files[layout])(deep)
    msg = str(err.value)
    assert 'stem mismatch' in msg and f'{layout} layout' in msg and files[layout] in msg
    assert 'r50b-d8' in msg and "type='mmseg.ResNet'" in msg
