# FT-100% of the CamVid quality benchmark: the CamVid FT-100% protocol (lr 0.01, cosine to 1e-4) cut
# to 200 iterations at batch 8 (~4.4 epochs of the 367 labelled images).
_base_ = './seg_ft100-10k_camvid.py'
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=200, eta_min=1e-4, by_epoch=False, begin=0, end=200)
]
train_cfg = dict(max_iters=200, val_interval=200)
default_hooks = dict(checkpoint=dict(interval=200))
