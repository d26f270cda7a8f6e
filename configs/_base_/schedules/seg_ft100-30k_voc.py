# FT-100% on VOC 2012 aug (reference): all parameters learn; 30k iterations, batch 16, lr 0.003
# cosine to 3e-4.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.003))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=30000, eta_min=3e-4, by_epoch=False, begin=0, end=30000)
]
train_cfg = dict(max_iters=30000, val_interval=30000)
default_hooks = dict(checkpoint=dict(interval=30000))
