# FT-10%: all parameters learn on a seeded 10% label split; half-resolution CamVid: the CamVid
# quality benchmark's fine-tuning protocol. Leaf configs add a model base, the classes and the
# input size.
_base_ = [
    '../datasets/camvid-half_10pct_seg.py',
    '../schedules/seg_ft10-100i_camvid-half.py',
    '../seg_runtime.py',
]
