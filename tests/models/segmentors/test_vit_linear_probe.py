"""The ViT segmentation protocols on the toy scenes: the linear probes (on the frozen tokens, and
through the frozen FCN decoder) move conv_seg and nothing else; fine-tuning moves the encoder with
layer-wise decayed learning rates; a pre-trained checkpoint loads into both."""
import pytest
import torch

from tests.conftest import load_config, train_few_iters
from tests.models.segmentors.test_linear_probe import _changed

LP_CONFIGS = {
    'linear': 'seg/vit/linear_vit-t16_lp-300i_toyscenes.py',
    'fcn': 'seg/vit/fcn_vit-t16_lp-300i_toyscenes.py',
}
CONV_SEG = {'decode_head.conv_seg.weight', 'decode_head.conv_seg.bias'}


@pytest.mark.parametrize('head', sorted(LP_CONFIGS))
def test_vit_linear_probe_changes_only_conv_seg(head, toy_root, tmp_path):
    cfg = load_config(LP_CONFIGS[head], toy_root, **{'optim_wrapper.optimizer.lr': 0.5})
    runner = train_few_iters(cfg, tmp_path / head, iters=2, batch_size=2)
    before = runner.initial_state
    after = {k: v.detach() for k, v in runner.model.state_dict().items()}
    assert set(before) == set(after)
    assert type(runner.model.backbone).__name__ == 'VisionTransformer'
    # the comparison covers the whole encoder: embeddings, 12 layers, final norm
    for key in ('backbone.pos_embed', 'backbone.cls_token',
                'backbone.patch_embed.projection.weight',
                'backbone.layers.11.attn.attn.in_proj_weight', 'backbone.ln1.weight'):
        assert key in before
    if head == 'fcn':  # and the decoder with its BatchNorm statistics
        assert 'decode_head.convs.1.bn.running_var' in before
    else:  # the linear head is conv_seg alone
        assert {k for k in before if k.startswith('decode_head.')} == CONV_SEG
    assert set(_changed(before, after)) == CONV_SEG
    trainable = {n for n, p in runner.model.named_parameters() if p.requires_grad}
    assert trainable == CONV_SEG


def test_vit_fine_tune_moves_the_encoder_with_decayed_lr(toy_root, tmp_path):
    cfg = load_config('seg/vit/fcn_vit-t16_ft100-300i_toyscenes.py', toy_root)
    runner = train_few_iters(cfg, tmp_path / 'ft', iters=1, batch_size=2)
    changed = set(_changed(runner.initial_state, runner.model.state_dict()))
    assert {'backbone.patch_embed.projection.weight', 'backbone.layers.0.ffn.layers.0.0.weight',
            'decode_head.convs.0.conv.weight', 'decode_head.convs.0.bn.running_var'} <= changed
    lrs = {g['group_name']: g['lr'] for g in runner.optim_wrapper.optimizer.param_groups}
    # 1e-4 at the head (depth 13), times 0.65 per layer below it; embeddings at depth 0
    assert lrs['layer_13_decay'] == pytest.approx(1e-4)
    assert lrs['layer_0_decay'] == pytest.approx(1e-4 * 0.65**13)


@pytest.mark.parametrize('leaf', ['seg/vit/fcn_vit-t16_ft10-300i_toyscenes.py',
                                  'seg/vit/linear_vit-t16_lp-300i_toyscenes.py'])
def test_vit_protocols_load_a_converted_checkpoint(leaf, toy_root, tmp_path):
    """load_from a converted checkpoint: the backbone weights are the checkpoint's."""
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    cfg = load_config(leaf, toy_root)
    model = MODELS.build(cfg.model)
    model.init_weights()
    state = {k: torch.randn_like(v) * 0.02 if v.is_floating_point() else v
             for k, v in model.state_dict().items() if k.startswith('backbone.')}
    torch.save(dict(state_dict=state), tmp_path / 'ckpt.pth')
    cfg.load_from = str(tmp_path / 'ckpt.pth')
    if 'ft10' in leaf:
        cfg.train_dataloader.dataset.ann_file = ''
    runner = train_few_iters(cfg, tmp_path / 'run', iters=1, batch_size=2)
    got = runner.model.state_dict()
    if 'lp' in leaf:  # frozen: still exactly the checkpoint's
        assert all(torch.equal(got[k], v) for k, v in state.items())
    else:  # loaded, then one small step
        k = 'backbone.layers.5.attn.attn.in_proj_weight'
        assert (got[k] - state[k]).abs().max() < 1e-2
