# FT-100%: all parameters learn on every labelled image; the embedded toy scenes. Leaf configs add
# a model base, the classes and the input size.
_base_ = [
    '../datasets/toy_scenes_seg.py',
    '../schedules/seg_toy_ft.py',
    '../seg_runtime.py',
]
