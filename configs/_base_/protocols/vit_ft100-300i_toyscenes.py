# FT-100%: all parameters learn on every labelled image; the embedded toy scenes, with layer-wise
# lr decay for ViTs (schedules/seg_vit_optim.py). Leaf configs add a model base, the classes and
# the input size.
_base_ = [
    '../datasets/toy_scenes_seg.py',
    '../schedules/seg_vit_ft100-300i_toy.py',
    '../seg_runtime.py',
]
