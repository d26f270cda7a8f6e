# MMSelfSup's DenseCL pre-trained on CamVid's training images without labels (reduced resolution,
# the budget of the CamVid quality benchmark: benchmarks/camvid_quality.py).
_base_ = [
    '../../_base_/models/densecl_r18-d8.py',
    '../../_base_/datasets/camvid_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_camvid-120i.py',
    '../../_base_/selfsup_runtime.py',
]
# DenseCL's warm-up of 0.2 epoch: 367 images at batch 16 -> 5 iterations
custom_hooks = [dict(type='DenseCLHook', start_iters=5), dict(type='RNGStateHook')]
