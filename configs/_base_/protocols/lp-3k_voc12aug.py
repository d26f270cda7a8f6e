# LP-100%: only decode_head.conv_seg learns; backbone, decoder and BN statistics stay frozen;
# PASCAL VOC 2012 aug, at the reference schedule. Leaf configs add a model base, the classes, the
# input size and model.type='FrozenEncoderDecoder' (mmengine takes the top-level key model from one
# base only: the model base).
_base_ = [
    '../datasets/voc12aug_seg.py',
    '../schedules/seg_lp-3k_voc.py',
    '../seg_runtime.py',
]
