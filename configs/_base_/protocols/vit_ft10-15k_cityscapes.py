# FT-10%: all parameters learn on a seeded 10% label split; Cityscapes, at the reference schedule,
# with layer-wise lr decay for ViTs (schedules/seg_vit_optim.py). Leaf configs add a model base,
# the classes and the input size.
_base_ = [
    '../datasets/cityscapes_10pct_seg.py',
    '../schedules/seg_vit_ft10-15k_cityscapes.py',
    '../seg_runtime.py',
]
