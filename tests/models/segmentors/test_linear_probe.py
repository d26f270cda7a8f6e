"""LP-100%: a short linear probe moves conv_seg and nothing else, BatchNorm statistics included."""
import pytest
import torch

from ssl4dp_mm.manifest import HEADS, leaf_config
from tests.conftest import load_config, train_few_iters

LP_CONFIGS = {h: leaf_config(h, 'lp', 'toy') for h in HEADS}
# layers of a head beyond its input conv that must stay frozen too (DeepLabv3+: the stage-1 skip's
# projection and the fuse convs; Non-local: the attention block)
EXTRA_FROZEN = {'dlv3p': ('decode_head.c1_bottleneck.', 'decode_head.sep_bottleneck.'),
                'nl': ('decode_head.nl_block.', )}


def _changed(before, after):
    return sorted(k for k in before if not torch.equal(before[k], after[k]))


@pytest.mark.parametrize('head', sorted(LP_CONFIGS))
def test_linear_probe_changes_only_conv_seg(head, toy_root, tmp_path):
    cfg = load_config(LP_CONFIGS[head], toy_root, **{'optim_wrapper.optimizer.lr': 0.5})
    runner = train_few_iters(cfg, tmp_path / head, iters=2, batch_size=2)
    before = runner.initial_state
    after = {k: v.detach() for k, v in runner.model.state_dict().items()}
    assert set(before) == set(after)
    bn_buffers = [k for k in before if k.endswith(('running_mean', 'running_var',
                                                   'num_batches_tracked'))]
    assert len(bn_buffers) > 60  # backbone and decoder BatchNorms are in the comparison
    conv_seg = {'decode_head.conv_seg.weight', 'decode_head.conv_seg.bias'}
    # every parameter and buffer outside conv_seg is bit-for-bit what it was; conv_seg learned
    assert set(_changed(before, after)) == conv_seg
    trainable = {n for n, p in runner.model.named_parameters() if p.requires_grad}
    assert trainable == conv_seg
    for prefix in EXTRA_FROZEN.get(head, ()):
        params = [k for k in before if k.startswith(prefix) and k.endswith('weight')]
        stats = [k for k in bn_buffers if k.startswith(prefix)]
        assert params and (stats or prefix.endswith('nl_block.')), prefix  # in the comparison
        if stats:  # and its BatchNorms in eval mode
            module = runner.model.get_submodule(stats[0].rsplit('.', 1)[0])
            assert not module.training, stats[0]


def test_fine_tune_moves_the_encoder_and_its_statistics(toy_root, tmp_path):
    """The contrast that shows the comparison above can fail: FT-10% changes backbone weights and
    BatchNorm running statistics."""
    cfg = load_config('seg/pspnet/pspnet_r18-d8_ft10-300i_toyscenes.py', toy_root,
                      **{'train_dataloader.dataset.ann_file': ''})
    runner = train_few_iters(cfg, tmp_path / 'ft', iters=1, batch_size=2)
    changed = _changed(runner.initial_state, runner.model.state_dict())
    assert 'backbone.stem.0.weight' in changed
    assert 'backbone.stem.1.running_mean' in changed
    assert 'decode_head.bottleneck.bn.running_var' in changed
