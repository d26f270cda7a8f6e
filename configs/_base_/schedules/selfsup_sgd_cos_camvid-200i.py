# Pre-training budget of the CamVid quality benchmark: 200 iterations at batch 16 (~8.7 epochs of the
# 367 training images), SGD lr 0.03 with cosine decay, as the toy schedule. Sized for a 2-core CPU:
# about 6-10 min per method there (benchmarks/results/camvid_quality.md gives the measured times).
_base_ = './selfsup_sgd_cos_300i.py'
param_scheduler = [dict(type='CosineAnnealingLR', T_max=200, by_epoch=False, begin=0, end=200)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=200)
