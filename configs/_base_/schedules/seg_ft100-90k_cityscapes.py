# FT-100% on Cityscapes (reference): all parameters learn; 90k iterations, batch 16, lr 0.01 cosine
# to 1e-4.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=90000, eta_min=1e-4, by_epoch=False, begin=0, end=90000)
]
train_cfg = dict(max_iters=90000, val_interval=90000)
default_hooks = dict(checkpoint=dict(interval=90000))
