# The continued pre-training of selfsup_sgd_cos_20e_from-mocov2.py over 50 epochs: the reference
# Cityscapes table's schedule for PLMoCo+ (Cityscapes: 185 iterations per epoch at batch 16, 9,250
# in all). The loaded-parameter ramp still meets the main schedule half-way (epoch 25).
_base_ = './selfsup_sgd_cos_20e_from-mocov2.py'
max_epochs = 50
param_scheduler = [dict(s, T_max=max_epochs, end=max_epochs) for s in _base_.param_scheduler]
train_cfg = dict(max_epochs=max_epochs)
