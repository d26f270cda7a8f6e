# FT-10% scaled down for CamVid: Cityscapes' lr (0.005 fixed), iterations cut to about the same
# number of epochs (2k x 16 / 37 images ~ 865 epochs; Cityscapes 15k x 16 / 297 ~ 808).
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.005))
train_cfg = dict(max_iters=2000, val_interval=2000)
default_hooks = dict(checkpoint=dict(interval=2000))
