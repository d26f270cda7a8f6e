# FT-100%: all parameters learn on every labelled image; ADE20K at MMSeg's 80k schedule (batch 16,
# 512 px crops), lr 0.01 cosine to 1e-4 (the Cityscapes protocol's lr; MMSeg's ADE20K 0.01). Leaf
# configs add a model base, the classes and the input size.
_base_ = [
    '../datasets/ade20k_seg.py',
    '../schedules/seg_protocol.py',
    '../seg_runtime.py',
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=80000, eta_min=1e-4, by_epoch=False, begin=0, end=80000)
]
train_cfg = dict(max_iters=80000, val_interval=80000)
default_hooks = dict(checkpoint=dict(interval=80000))
