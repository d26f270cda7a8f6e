# FT-10% scaled down for the toy scenes (batch 8): Cityscapes' lr (0.005 fixed), 300 iterations. LP
# and FT-100% for the toy scenes: seg_toy_lp.py and seg_toy_ft.py.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.005))
train_cfg = dict(max_iters=300, val_interval=300)
default_hooks = dict(checkpoint=dict(interval=300))
