# The continued pre-training of selfsup_sgd_cos_20e_from-mocov2.py over 200 epochs: the draft
# report's longest PLMoCo run on VOC 2012 aug (661 iterations per epoch at batch 16, 132,200 in
# all). The loaded-parameter ramp still meets the main schedule half-way (epoch 100).
_base_ = './selfsup_sgd_cos_20e_from-mocov2.py'
max_epochs = 200
param_scheduler = [dict(s, T_max=max_epochs, end=max_epochs) for s in _base_.param_scheduler]
train_cfg = dict(max_epochs=max_epochs)
