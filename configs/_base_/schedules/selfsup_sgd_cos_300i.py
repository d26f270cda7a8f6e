optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=0.03, weight_decay=1e-4, momentum=0.9))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=300, by_epoch=False, begin=0, end=300)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300)
