# Runtime for pre-training: MMSelfSup's defaults plus the plugin.
_base_ = ['mmselfsup::selfsup/_base_/default_runtime.py', './custom_imports.py']

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=1000, by_epoch=False, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
# Generator states go into checkpoints so that a resumed run continues bit-exactly (docs/hardening.md).
# A config that sets its own custom_hooks should list this hook too.
custom_hooks = [dict(type='RNGStateHook')]
