# MMSelfSup's own DenseCL (Wang et al. 2021, https://arxiv.org/abs/2011.09157) on the last backbone
# map (8x8 cells for a 64 px view). Its loss_lambda warm-up (loss_dense weight 0 for the first
# start_iters iterations) lives in DenseCLHook, registered here. The original 1000 iterations are
# 0.2 epoch of ImageNet at batch 256; 0.2 epoch of the toy scenes (200 images, batch 8) is 5.
_base_ = [
    '../../_base_/models/densecl_r18-d8.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
# listing custom_hooks replaces the runtime's list: keep RNGStateHook for exact resume
custom_hooks = [dict(type='DenseCLHook', start_iters=5), dict(type='RNGStateHook')]
