"""Converting a pre-training checkpoint (backbone + decoder) into the MMSeg model."""
import itertools

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS as SEG_MODELS
from mmselfsup.registry import MODELS as SELFSUP_MODELS

from ssl4dp_mm.checkpoints import check_fits, save_checkpoint_atomic, to_seg_state_dict
from ssl4dp_mm.manifest import HEADS, leaf_config
from tests.conftest import config_path, load_config, load_tool

PRE_CFG = 'selfsup/plmoco/plmoco_r18-d8-mocofcn_1xb8-300i_toyscenes.py'
SEG_CFG = leaf_config('mocofcn', 'lp', 'toy')
# decoder -> its toy LP leaf (every head the converter pairs a checkpoint with)
LP_LEAVES = {h: leaf_config(h, 'lp', 'toy') for h in HEADS}


def pretrain_checkpoint(tmp_path, decoder_key='mocofcn_decoder'):
    """A checkpoint in mmengine's layout from a freshly built pre-training model."""
    init_default_scope('mmselfsup')
    cfg = load_config(PRE_CFG)
    base = Config.fromfile(config_path('_base_/models/r18-d8.py'))
    cfg.model.decoder = base[decoder_key]
    cfg.model.neck.in_channels = base.decoder_channels[decoder_key.split('_')[0]]
    cfg.model.queue_len = 16
    model = SELFSUP_MODELS.build(cfg.model)
    path = str(tmp_path / f'{decoder_key}.pth')
    save_checkpoint_atomic(dict(meta=dict(iter=1), state_dict=model.state_dict()), path)
    return path, model


@pytest.mark.parametrize('decoder', sorted(LP_LEAVES))
def test_converted_checkpoint_loads_with_only_conv_seg_new(tmp_path, decoder):
    src, pre_model = pretrain_checkpoint(tmp_path, f'{decoder}_decoder')
    dst = str(tmp_path / 'converted.pth')
    leaf = LP_LEAVES[decoder]
    report = load_tool('convert_checkpoint').convert(src, dst, config_path(leaf), verbose=False)
    assert report['source'] == 'ssl4dp_mm'
    assert report['missing'] == ['decode_head.conv_seg.weight', 'decode_head.conv_seg.bias']
    assert report['unexpected'] == []
    # load it into the segmentation model the way mmengine does, and compare tensors
    init_default_scope('mmseg')
    seg_cfg = load_config(leaf)
    seg = SEG_MODELS.build(seg_cfg.model)
    state = torch.load(dst, map_location='cpu', weights_only=True)['state_dict']
    missing, unexpected = seg.load_state_dict(state, strict=False)
    assert set(missing) == {'decode_head.conv_seg.weight', 'decode_head.conv_seg.bias'}
    assert unexpected == []
    pre_state = pre_model.state_dict()
    seg_state = seg.state_dict()
    num_decoder = 0
    for k, v in pre_state.items():
        if k.startswith('backbone.'):
            assert torch.equal(seg_state[k], v), k
        elif k.startswith('decoder.'):
            assert torch.equal(seg_state['decode_head.' + k[len('decoder.'):]], v), k
            num_decoder += 1
    # all but conv_seg
    assert num_decoder == sum(k.startswith('decode_head.') for k in seg_state) - 2
    if decoder == 'dlv3p':  # the stage-1 skip and the fuse convs travel too
        assert any(k.startswith('decode_head.c1_bottleneck.') for k in state)
        assert any(k.startswith('decode_head.sep_bottleneck.') for k in state)
    if decoder == 'nl':
        assert any(k.startswith('decode_head.nl_block.') for k in state)


@pytest.fixture(scope='module')
def pairing_states(tmp_path_factory):
    """Converted pre-training states (PLMoCo with each decoder) and segmentation-model states."""
    folder = tmp_path_factory.mktemp('pairing')
    converted, seg_states = {}, {}
    for decoder, leaf in LP_LEAVES.items():
        _, model = pretrain_checkpoint(folder, f'{decoder}_decoder')
        converted[decoder] = to_seg_state_dict(model.state_dict())[0]
        init_default_scope('mmseg')
        seg_states[decoder] = SEG_MODELS.build(load_config(leaf).model).state_dict()
    return converted, seg_states


@pytest.mark.parametrize('pre,seg', list(itertools.product(sorted(LP_LEAVES), repeat=2)))
def test_checkpoint_to_head_pairing(pairing_states, pre, seg):
    """Each decoder fits its own head (only conv_seg new) and is refused by the five others, the
    message naming the first mismatched decode_head key (PSPNet vs PSPNet-256: same names, other
    widths)."""
    converted, seg_states = pairing_states
    if pre == seg:
        missing, unexpected = check_fits(converted[pre], seg_states[seg], 'mmseg.ResNetV1c')
        assert missing == ['decode_head.conv_seg.weight', 'decode_head.conv_seg.bias']
        assert unexpected == []
        return
    with pytest.raises(ValueError, match=r"decoder does not fit the head: .*'decode_head\.[^']+'"):
        check_fits(converted[pre], seg_states[seg], 'mmseg.ResNetV1c')


def test_mismatched_decoder_is_refused_naming_the_key(tmp_path):
    src, _ = pretrain_checkpoint(tmp_path, 'psp_decoder')
    dst = tmp_path / 'converted.pth'
    with pytest.raises(ValueError, match=r"decoder does not fit the head: first mismatched key "
                                         r"'decode_head\.(psp_modules|bottleneck|convs)"):
        load_tool('convert_checkpoint').convert(src, str(dst), config_path(SEG_CFG), verbose=False)
    assert not dst.exists(), 'a refused conversion must not leave an output file'


def test_cli_reports_errors_cleanly(tmp_path, capsys):
    bad = tmp_path / 'not_a_checkpoint.pth'
    bad.write_bytes(b'this is not a torch file')
    with pytest.raises(SystemExit) as exit_info:
        load_tool('convert_checkpoint').main([str(bad), str(tmp_path / 'out.pth')])
    assert exit_info.value.code == 1
    assert 'not_a_checkpoint.pth' in capsys.readouterr().err
