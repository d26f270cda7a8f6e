# Fine-tune (FT-100%), scaled down for the toy scenes: all parameters learn; seg_protocol.py at lr
# 0.01 cosine to 1e-4, 300 iterations, a log line every 20 (as seg_toy_lp.py).
_base_ = './seg_protocol.py'
optim_wrapper = dict(  # the protocol's SGD without its clip_grad=None (OptimWrapper's default)
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=300, eta_min=1e-4, by_epoch=False, begin=0, end=300)
]
train_cfg = dict(max_iters=300, val_interval=300)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=300))
