# The draft report's random-init baseline on VOC 2012 aug: MMSeg's own 160k schedule (SGD lr 0.01,
# momentum 0.9, weight decay 1e-4 as seg_protocol.py, polynomial decay power 0.9 to 1e-4, batch 16),
# all parameters trained.
_base_ = './seg_protocol.py'
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, by_epoch=False, begin=0, end=160000)
]
train_cfg = dict(max_iters=160000, val_interval=160000)
default_hooks = dict(checkpoint=dict(interval=160000))
