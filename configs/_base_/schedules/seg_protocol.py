# What the three evaluation protocols (FT-10%, LP-100%, FT-100%) share: SGD with momentum 0.9 and
# weight decay 1e-4, an iteration-based loop that validates and saves once, at the end. Each
# protocol file sets its learning rate, iterations and (FT-100%) cosine schedule; the batch (16) is
# set by the dataset base, because mmengine allows a top-level key (train_dataloader) in only one
# base. Paramwise lr multipliers go into optim_wrapper.paramwise_cfg.custom_keys, e.g. the encoder
# at 1/100:
#   optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.01)}))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=None)
param_scheduler = []  # fixed lr unless a protocol says otherwise
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000, max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
