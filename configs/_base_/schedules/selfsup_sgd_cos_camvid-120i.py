# Pre-training budget of the CamVid quality benchmark: 120 iterations at batch 16 (~5.2 epochs of the
# 367 training images), SGD lr 0.03 with cosine decay, as the toy schedule. Sized so that all 13
# pre-trainings and their 28 evaluations fit about 1.5-2 hours on a 2-core CPU (4-7 min per
# pre-training there; benchmarks/results/camvid_quality.md gives the measured times).
_base_ = './selfsup_sgd_cos_300i.py'
param_scheduler = [dict(type='CosineAnnealingLR', T_max=120, by_epoch=False, begin=0, end=120)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=120)
