"""Converting image-level checkpoints (torchvision, MMSelfSup, official MoCo) and the stem trap:
a plain-stem ResNet must not be paired with MMSeg's deep-stem ResNetV1c."""
import pytest
import torch
import torchvision
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.registry import MODELS as SEG_MODELS
from mmselfsup.registry import MODELS as SELFSUP_MODELS

from tests.conftest import config_path, load_config, load_tool

DEEP = '_base_/models/pspnet_r18-d8_seg.py'  # mmseg.ResNetV1c
PLAIN = '_base_/models/pspnet_r18b-d8_seg.py'  # mmseg.ResNet


def _convert(*args, **kwargs):
    return load_tool('convert_checkpoint').convert(*args, verbose=False, **kwargs)


@pytest.fixture(scope='module')
def torchvision_ckpt(tmp_path_factory):
    """A torchvision ResNet-18 with random weights and non-trivial BN statistics, saved the way
    torchvision's model zoo files are (a bare state dict)."""
    torch.manual_seed(0)
    net = torchvision.models.resnet18()
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
    path = tmp_path_factory.mktemp('tv') / 'resnet18_tv.pth'
    torch.save(net.state_dict(), path)
    return str(path), net.state_dict()


def _seg_model(rel):
    init_default_scope('mmseg')
    return SEG_MODELS.build(load_config(rel).model)


def test_plain_stem_into_resnetv1c_is_refused(torchvision_ckpt, tmp_path):
    src, _ = torchvision_ckpt
    dst = tmp_path / 'out.pth'
    with pytest.raises(ValueError) as err:
        _convert(src, str(dst), config_path(DEEP))
    msg = str(err.value)
    assert 'stem mismatch' in msg and 'plain-stem' in msg and 'mmseg.ResNetV1c' in msg
    assert "type='mmseg.ResNet'" in msg and 'r18b-d8' in msg  # names the variant to use
    assert not dst.exists()


def test_plain_stem_with_plain_variant_loads_every_backbone_key(torchvision_ckpt, tmp_path):
    src, tv_state = torchvision_ckpt
    dst = str(tmp_path / 'out.pth')
    report = _convert(src, dst, config_path(PLAIN))
    assert report['source'] == 'torchvision'
    assert report['unexpected'] == []
    assert report['missing'] and all(k.startswith('decode_head.') for k in report['missing'])
    # load it the way the Runner does (load_from) and compare with torchvision's tensors
    model = _seg_model(PLAIN)
    load_checkpoint(model, dst, map_location='cpu', strict=False, logger='silent')
    seg_state = model.state_dict()
    backbone_keys = [k for k in seg_state if k.startswith('backbone.')]
    expected = {'backbone.' + k: v for k, v in tv_state.items() if not k.startswith('fc.')}
    assert sorted(backbone_keys) == sorted(expected)  # every backbone key, stem included
    for k in backbone_keys:
        assert torch.equal(seg_state[k], expected[k]), k
    assert torch.equal(seg_state['backbone.conv1.weight'], tv_state['conv1.weight'])


def test_deep_stem_into_plain_variant_is_refused(tmp_path):
    init_default_scope('mmseg')
    deep = _seg_model(DEEP)
    src = tmp_path / 'deep.pth'
    state = {k: v for k, v in deep.state_dict().items() if k.startswith('backbone.')}
    torch.save(dict(state_dict=state), src)
    with pytest.raises(ValueError, match=r"deep-stem .* Use backbone type='mmseg\.ResNetV1c'"):
        _convert(str(src), str(tmp_path / 'out.pth'), config_path(PLAIN))


def test_mmselfsup_image_level_checkpoint_gives_backbone_only(tmp_path):
    init_default_scope('mmselfsup')
    moco = SELFSUP_MODELS.build(dict(
        type='MoCo', queue_len=16, feat_dim=16, momentum=0.999,
        data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=(0, 0, 0), std=(1, 1, 1)),
        backbone=dict(type='ResNet', depth=18, in_channels=3, out_indices=[4],
                      norm_cfg=dict(type='BN')),
        neck=dict(type='MoCoV2Neck', in_channels=512, hid_channels=32, out_channels=16,
                  with_avg_pool=True),
        head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'),
                  temperature=0.2)))
    src, dst = tmp_path / 'mocov2.pth', str(tmp_path / 'out.pth')
    torch.save(dict(meta=dict(epoch=1), state_dict=moco.state_dict()), src)
    report = _convert(str(src), dst, config_path(PLAIN))
    assert report['source'] == 'mmselfsup'
    out = torch.load(dst, weights_only=True)['state_dict']
    # backbone only: neck, head, momentum encoder and queue are dropped
    assert sorted(out) == sorted(k for k in moco.state_dict() if k.startswith('backbone.'))
    for k, v in out.items():
        assert torch.equal(v, moco.state_dict()[k]), k
    with pytest.raises(ValueError, match='stem mismatch'):
        _convert(str(src), dst, config_path(DEEP))


def test_official_moco_layout_is_read_as_torchvision(torchvision_ckpt, tmp_path):
    _, tv_state = torchvision_ckpt
    state = {f'module.encoder_q.{k}': v for k, v in tv_state.items()}
    state.update({f'module.encoder_k.{k}': v + 1 for k, v in tv_state.items()})
    state['module.queue'] = torch.zeros(128, 16)
    src, dst = tmp_path / 'moco_v2_800ep.pth.tar', str(tmp_path / 'out.pth')
    torch.save(dict(epoch=800, arch='resnet18', state_dict=state), src)
    report = _convert(str(src), dst, config_path(PLAIN))
    assert report['source'] == 'moco'  # a torchvision ResNet under module.encoder_q.
    out = torch.load(dst, weights_only=True)['state_dict']
    for k, v in tv_state.items():
        if not k.startswith('fc.'):
            assert torch.equal(out['backbone.' + k], v), k  # the query encoder, not the key one


def test_decoder_with_other_shapes_is_refused_naming_the_first_key(tmp_path):
    """A PSP decoder pre-trained with 64 channels does not fit the 128-channel PSPNet head."""
    init_default_scope('mmseg')
    cfg = load_config(DEEP)
    cfg.model.decode_head.channels = 64
    small = SEG_MODELS.build(cfg.model)
    state = {k.replace('decode_head.', 'decoder.', 1): v for k, v in small.state_dict().items()
             if not k.startswith('decode_head.conv_seg')}
    src = tmp_path / 'psp64.pth'
    torch.save(dict(state_dict=state), src)
    target = _seg_model(DEEP).state_dict()
    first_bad = next(k.replace('decoder.', 'decode_head.', 1) for k, v in state.items()
                     if k.startswith('decoder.')
                     and target[k.replace('decoder.', 'decode_head.', 1)].shape != v.shape)
    with pytest.raises(ValueError, match=f"shape mismatch at '{first_bad}'"):
        _convert(str(src), str(tmp_path / 'out.pth'), config_path(DEEP))


def test_cli_reports_missing_and_unexpected_keys(torchvision_ckpt, tmp_path, capsys):
    _, tv_state = torchvision_ckpt
    state = dict(tv_state)
    state['layer5.0.conv1.weight'] = torch.zeros(1)  # a key the model does not have
    src = tmp_path / 'extra.pth'
    torch.save(state, src)
    load_tool('convert_checkpoint').main([str(src), str(tmp_path / 'out.pth'),
                                          '--seg-config', config_path(PLAIN)])
    out = capsys.readouterr().out
    assert "unexpected (ignored by the model): ['backbone.layer5.0.conv1.weight']" in out
    assert 'missing in checkpoint (newly initialised):' in out and 'decode_head.conv_seg' in out
