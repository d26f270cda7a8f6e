# FT-10% on Cityscapes (reference): all parameters learn on 10% of the labels; 15k iterations, batch
# 16, lr 0.005 fixed.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.005))
train_cfg = dict(max_iters=15000, val_interval=15000)
default_hooks = dict(checkpoint=dict(interval=15000))
