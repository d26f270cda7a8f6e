"""build_decoder: a pre-training decoder's features are its MMSeg head's forward() up to cls_seg,
for all six decoders, including the two heads whose inherited _forward_feature skips layers."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.models.decode_heads import FCNHead
from mmseg.registry import MODELS as SEG_MODELS
from mmselfsup.registry import MODELS

from ssl4dp_mm.models.utils import build_decoder
from ssl4dp_mm.models.utils.decoder import FEATURE_FORWARDS, stale_forward_feature
from tests.conftest import config_path, load_config

DECODERS = ('mocofcn', 'psp', 'aspp', 'dlv3p', 'nl', 'psp256')
R18 = Config.fromfile(config_path('_base_', 'models', 'r18-d8.py'))


def _stages(n=2, size=64, seed=0):
    """Backbone-shaped inputs of a 64 px image: stage 1 at stride 4, stages 2-4 at stride 8."""
    g = torch.Generator().manual_seed(seed)
    s4, s8 = size // 4, size // 8
    return [torch.randn(n, 64, s4, s4, generator=g), torch.randn(n, 128, s8, s8, generator=g),
            torch.randn(n, 256, s8, s8, generator=g), torch.randn(n, 512, s8, s8, generator=g)]


def _randomise(module, seed=0):
    """Random weights and BN statistics: at init the non-local block is an identity (its output
    conv is zero), which would hide a skipped block."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if t.is_floating_point():
                vals = torch.rand(t.shape, generator=g) + 0.5 if name.endswith('running_var') else \
                    torch.randn(t.shape, generator=g) * 0.2
                t.copy_(vals)


def _pair(name):
    """The MMSeg segmentation head (with conv_seg) and the pre-training decoder with its weights."""
    cfg = R18[f'{name}_decoder'].to_dict()
    init_default_scope('mmseg')
    head = SEG_MODELS.build(dict(cfg, num_classes=5))
    _randomise(head)
    head.eval()
    init_default_scope('mmselfsup')
    decoder = build_decoder(cfg)
    missing, unexpected = decoder.load_state_dict(
        {k: v for k, v in head.state_dict().items() if not k.startswith('conv_seg.')})
    assert not missing and not unexpected
    return head, decoder.eval()


@pytest.mark.parametrize('name', DECODERS)
def test_features_are_the_heads_forward_up_to_the_classifier(name):
    head, decoder = _pair(name)
    stages = _stages()
    with torch.no_grad():
        want = head(stages)  # MMSeg's own forward: what segmentation computes
        feat = decoder._forward_feature(stages)
        got = head.cls_seg(feat)
    assert feat.shape[1] == R18.decoder_channels[name]
    assert got.shape == want.shape
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    # DeepLabv3+ fuses stage 1 in: its map is at stride 4, the others' at stride 8
    assert tuple(feat.shape[2:]) == ((16, 16) if name == 'dlv3p' else (8, 8))


@pytest.mark.parametrize('name', ['dlv3p', 'nl'])
def test_the_inherited_feature_function_is_not_the_forward(name):
    """What pre-training would compute with MMSeg's inherited _forward_feature: ASPPHead's for
    DeepLabv3+ (no skip, no fuse convs, stride 8) and FCNHead's for NLHead (no non-local block)."""
    head, _ = _pair(name)
    assert stale_forward_feature(type(head)) and type(head) in FEATURE_FORWARDS
    stages = _stages()
    with torch.no_grad():
        inherited = head.cls_seg(super(type(head), head)._forward_feature(stages))
        want = head(stages)
    assert inherited.shape != want.shape or not torch.allclose(inherited, want, atol=1e-3)


def test_single_input_heads_keep_their_own_feature_function():
    for name in ('mocofcn', 'psp', 'aspp', 'psp256'):
        init_default_scope('mmselfsup')
        decoder = build_decoder(R18[f'{name}_decoder'].to_dict())
        assert not stale_forward_feature(type(decoder))
        assert '_forward_feature' not in vars(decoder)  # the class's method, unchanged


def test_a_head_with_a_stale_feature_function_is_refused():
    class StaleHead(FCNHead):  # overrides forward, inherits FCNHead._forward_feature

        def forward(self, inputs):
            return self.cls_seg(2 * self._forward_feature(inputs))

    SEG_MODELS.register_module(name='_TestStaleHead', module=StaleHead, force=True)
    init_default_scope('mmselfsup')
    with pytest.raises(TypeError, match='StaleHead overrides forward.*inherits _forward_feature'
                                        '.*FCNHead'):
        build_decoder(dict(type='mmseg._TestStaleHead', in_channels=8, channels=4, num_convs=1))


def test_momentum_encoder_copy_runs_its_own_decoder():
    """The EMA key encoder is a deep copy: its decoder's feature function is bound to the copy,
    so the key features come from the momentum weights, not the online ones."""
    init_default_scope('mmselfsup')
    cfg = load_config('selfsup/plmoco/plmoco_r18-d8-dlv3p_1xb8-300i_toyscenes.py').model
    cfg.queue_len = 16
    model = MODELS.build(cfg)
    dec_k = model.encoder_k.module['decoder']
    assert dec_k is not model.decoder
    assert dec_k._forward_feature.__self__ is dec_k
    assert model.decoder._forward_feature.__self__ is model.decoder
    copied = copy.deepcopy(model.decoder)
    assert copied._forward_feature.__self__ is copied
    model.eval()
    img = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        online = model.encode(img)
        for p in dec_k.parameters():
            p.add_(1.)  # the key decoder drifts away from the online one
        key = model.encode(img, model.encoder_k.module)
    assert online.shape == key.shape == (2, 128, 16, 16)
    assert not torch.allclose(online, key)
