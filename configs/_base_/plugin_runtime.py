# What every run adds to its codebase's default runtime (seg_runtime.py: MMSegmentation's,
# selfsup_runtime.py: MMSelfSup's): the plugin (custom_imports.py), seed 0, SyncBN under a
# distributed launcher and the generator states in checkpoints.
_base_ = './custom_imports.py'
randomness = dict(seed=0)
# N processes = one process: under a distributed launcher the Runner turns every BatchNorm
# (backbone, decoder or decode head, projectors, and the momentum / target copies of them) into
# torch's SyncBatchNorm, so N processes of batch B/N normalise over the B images as one process of
# batch B does; the pre-training algorithms gather their in-batch negatives
# (ssl4dp_mm/models/utils/gather.py). Single-process runs are unchanged (the Runner converts only
# when distributed). SyncBN needs CUDA: tools/train.py drops it for CPU (gloo) processes;
# `--sync-bn none` keeps per-process BatchNorm.
sync_bn = 'torch'
# Generator states go into checkpoints so that a resumed run continues bit-exactly
# (docs/hardening.md). A config that sets its own custom_hooks should list this hook too.
custom_hooks = [dict(type='RNGStateHook')]
