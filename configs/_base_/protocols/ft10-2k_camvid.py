# FT-10%: all parameters learn on a seeded 10% label split; CamVid (scaled-down protocol). Leaf
# configs add a model base, the classes and the input size.
_base_ = [
    '../datasets/camvid_10pct_seg.py',
    '../schedules/seg_ft10-2k_camvid.py',
    '../seg_runtime.py',
]
