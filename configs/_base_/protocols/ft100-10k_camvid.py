# FT-100%: all parameters learn on every labelled image; CamVid (scaled-down protocol). Leaf
# configs add a model base, the classes and the input size.
_base_ = [
    '../datasets/camvid_seg.py',
    '../schedules/seg_ft100-10k_camvid.py',
    '../seg_runtime.py',
]
