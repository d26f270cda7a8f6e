# Runtime for pre-training: MMSelfSup's defaults plus the plugin.
_base_ = ['mmselfsup::selfsup/_base_/default_runtime.py', './custom_imports.py']

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=1000, by_epoch=False, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
# N processes = one process: under a distributed launcher the Runner turns every BatchNorm
# (backbone, decoder, projectors, and the momentum / target copies of them) into torch's
# SyncBatchNorm, so N processes of batch B/N normalise over the B images as one process of batch B
# does; the algorithms gather their in-batch negatives (ssl4dp_mm/models/utils/gather.py).
# Single-process runs are unchanged (the Runner converts only when distributed). SyncBN needs CUDA:
# tools/train.py drops it for CPU (gloo) processes; `--sync-bn none` keeps per-process BatchNorm.
sync_bn = 'torch'
# Generator states go into checkpoints so that a resumed run continues bit-exactly
# (docs/hardening.md). A config that sets its own custom_hooks should list this hook too.
custom_hooks = [dict(type='RNGStateHook')]
