# FT-100%: all parameters learn on every labelled image; PASCAL VOC 2012 aug, at the reference
# schedule. Leaf configs add a model base, the classes and the input size.
_base_ = [
    '../datasets/voc12aug_seg.py',
    '../schedules/seg_ft100-30k_voc.py',
    '../seg_runtime.py',
]
