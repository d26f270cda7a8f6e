# Runtime for pre-training: MMSelfSup's defaults plus what every run adds (plugin_runtime.py), a
# log line every 10 iterations and a checkpoint every 1000.
_base_ = ['mmselfsup::selfsup/_base_/default_runtime.py', './plugin_runtime.py']
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=1000, by_epoch=False, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
