# Runtime for segmentation: MMSegmentation's defaults plus the plugin.
_base_ = ['mmseg::_base_/default_runtime.py', './custom_imports.py']
randomness = dict(seed=0)
