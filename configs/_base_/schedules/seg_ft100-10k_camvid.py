# FT-100% scaled down for CamVid: Cityscapes' lr (0.01 cosine to 1e-4), 10k iterations (~436 epochs
# at batch 16; Cityscapes 90k ~ 484).
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=10000, eta_min=1e-4, by_epoch=False, begin=0, end=10000)
]
train_cfg = dict(max_iters=10000, val_interval=10000)
default_hooks = dict(checkpoint=dict(interval=10000))
