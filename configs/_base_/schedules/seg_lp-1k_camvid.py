# LP-100% scaled down for CamVid: Cityscapes' lr (0.1 fixed), 1k iterations (~44 epochs of 367
# images at batch 16; Cityscapes 9k ~ 48).
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.1))
train_cfg = dict(max_iters=1000, val_interval=1000)
default_hooks = dict(checkpoint=dict(interval=1000))
