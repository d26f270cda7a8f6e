"""Layout detection and key mapping of the checkpoints people hold (facebookresearch/moco,
torchvision, MMSelfSup, ours), with torchvision's ResNet-50 key names."""
import pytest
import torch

from ssl4dp_mm.checkpoints.layouts import (detect_layout, output_stride, state_dict_of,
                                           to_backbone_layout, variant_name)
from tests.reference.conftest import moco_layout, torchvision_resnet50_state


@pytest.fixture(scope='module')
def tv_state():
    return torchvision_resnet50_state()


def _backbone(tv_state):
    return {'backbone.' + k: v for k, v in tv_state.items() if not k.startswith('fc.')}


def test_moco_layout_keeps_the_query_encoder_without_fc(tv_state):
    state = state_dict_of(moco_layout(tv_state))
    assert detect_layout(state) == 'moco'
    out, layout = to_backbone_layout(state)
    assert layout == 'moco'
    want = _backbone(tv_state)
    assert sorted(out) == sorted(want)  # fc.0 / fc.2 (MoCo v2's MLP), encoder_k, queue dropped
    assert all(torch.equal(out[k], want[k]) for k in want)
    assert 'backbone.conv1.weight' in out and 'backbone.bn1.running_var' in out  # plain stem


def test_torchvision_layout_drops_the_classifier(tv_state):
    out, layout = to_backbone_layout(dict(tv_state))
    assert layout == 'torchvision' and sorted(out) == sorted(_backbone(tv_state))
    wrapped, layout = to_backbone_layout({'module.' + k: v for k, v in tv_state.items()})
    assert layout == 'moco' and sorted(wrapped) == sorted(out)  # DataParallel-saved torchvision


def test_mmselfsup_and_own_layouts_are_kept(tv_state):
    mmselfsup = dict(_backbone(tv_state), **{'neck.mlp.0.weight': torch.zeros(2),
                                             'queue': torch.zeros(128, 4)})
    out, layout = to_backbone_layout(mmselfsup)
    assert layout == 'mmselfsup' and out == mmselfsup
    own = dict(mmselfsup, **{'decoder.convs.0.conv.weight': torch.zeros(1)})
    assert to_backbone_layout(own)[1] == 'ssl4dp_mm'


def test_unknown_layout_names_its_keys():
    with pytest.raises(ValueError, match=r'unrecognised checkpoint layout.*encoder\.weight'):
        detect_layout({'encoder.weight': torch.zeros(1)})
    with pytest.raises(ValueError, match='no state dict'):
        state_dict_of({'state_dict': [1, 2]})


def test_variant_names():
    assert output_stride((1, 2, 1, 1)) == 8 and output_stride((1, 2, 2, 1)) == 16
    assert variant_name('plain', 50, (1, 2, 1, 1)) == 'r50b-d8'
    assert variant_name('plain', 50, (1, 2, 2, 1)) == 'r50b-d16'
    assert variant_name('deep', 18) == 'r18-d8'
