# Runtime for segmentation: MMSegmentation's defaults plus the plugin.
_base_ = ['mmseg::_base_/default_runtime.py', './custom_imports.py']
randomness = dict(seed=0)
# N processes = one process: under a distributed launcher the Runner turns every BatchNorm
# (backbone, decode head) into torch's SyncBatchNorm, so N processes of batch B/N normalise over
# the B images as one process of batch B does. Single-process runs are unchanged (the Runner
# converts only when distributed). SyncBN needs CUDA: tools/train.py drops it for CPU (gloo)
# processes; `--sync-bn none` keeps per-process BatchNorm.
sync_bn = 'torch'
# Generator states go into checkpoints so that a resumed run continues bit-exactly
# (docs/hardening.md). A config that sets its own custom_hooks should list this hook too.
custom_hooks = [dict(type='RNGStateHook')]
