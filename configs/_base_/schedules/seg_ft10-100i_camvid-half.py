# FT-10% of the CamVid quality benchmark: the CamVid FT-10% protocol (lr 0.005 fixed) cut to 100
# iterations at batch 8 (~22 epochs of the 37 labelled images).
_base_ = './seg_ft10-2k_camvid.py'
train_cfg = dict(max_iters=100, val_interval=100)
default_hooks = dict(checkpoint=dict(interval=100))
