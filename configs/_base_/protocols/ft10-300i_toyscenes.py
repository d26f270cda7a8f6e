# FT-10%: all parameters learn on a seeded 10% label split; the embedded toy scenes. Leaf configs
# add a model base, the classes and the input size.
_base_ = [
    '../datasets/toy_scenes_10pct_seg.py',
    '../schedules/seg_ft10-300i_toy.py',
    '../seg_runtime.py',
]
