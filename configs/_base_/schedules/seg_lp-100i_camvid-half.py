# LP-100% of the CamVid quality benchmark: the CamVid LP protocol (lr 0.1 fixed) cut to 100
# iterations at batch 8 (~2.2 epochs of 367 images), so that it fits the benchmark's CPU budget.
_base_ = './seg_lp-1k_camvid.py'
train_cfg = dict(max_iters=100, val_interval=100)
default_hooks = dict(checkpoint=dict(interval=100))
