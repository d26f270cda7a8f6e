# FT-10% on VOC 2012 aug (reference): all parameters learn on 10% of the labels; 5k iterations,
# batch 16, lr 0.001 fixed.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.001))
train_cfg = dict(max_iters=5000, val_interval=5000)
default_hooks = dict(checkpoint=dict(interval=5000))
