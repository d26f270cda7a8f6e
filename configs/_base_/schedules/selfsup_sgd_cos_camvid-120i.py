# Pre-training budget of the CamVid quality benchmark: 120 iterations at batch 16 (~5.2 epochs of
# the 367 training images), SGD lr 0.03 with cosine decay, as the toy schedule. Sized so that one
# checkpoint and its evaluations take about 25 min on a 2-core CPU (two single-threaded jobs side by
# side; pre-training 6-22 min by method): benchmarks/results/camvid_quality_seeds.md gives the
# measured times of the three-seed table.
_base_ = './selfsup_sgd_cos_300i.py'
param_scheduler = [dict(type='CosineAnnealingLR', T_max=120, by_epoch=False, begin=0, end=120)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=120)
