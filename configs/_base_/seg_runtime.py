# Runtime for segmentation: MMSegmentation's defaults plus what every run adds (plugin_runtime.py).
_base_ = ['mmseg::_base_/default_runtime.py', './plugin_runtime.py']
