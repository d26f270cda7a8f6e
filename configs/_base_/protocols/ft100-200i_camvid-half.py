# FT-100%: all parameters learn on every labelled image; half-resolution CamVid: the CamVid quality
# benchmark's main fine-tuning protocol of the continued regime. Leaf configs add a model base, the
# classes and the input size.
_base_ = [
    '../datasets/camvid-half_seg.py',
    '../schedules/seg_ft100-200i_camvid-half.py',
    '../seg_runtime.py',
]
