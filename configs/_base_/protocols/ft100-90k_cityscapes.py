# FT-100%: all parameters learn on every labelled image; Cityscapes, at the reference schedule.
# Leaf configs add a model base, the classes and the input size.
_base_ = [
    '../datasets/cityscapes_seg.py',
    '../schedules/seg_ft100-90k_cityscapes.py',
    '../seg_runtime.py',
]
