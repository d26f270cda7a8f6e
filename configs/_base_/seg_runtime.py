# Runtime for segmentation: MMSegmentation's defaults plus the plugin.
_base_ = ['mmseg::_base_/default_runtime.py', './custom_imports.py']
randomness = dict(seed=0)
# Generator states go into checkpoints so that a resumed run continues bit-exactly (docs/hardening.md).
# A config that sets its own custom_hooks should list this hook too.
custom_hooks = [dict(type='RNGStateHook')]
