# LP-100%: only decode_head.conv_seg learns; backbone, decoder and BN statistics stay frozen;
# Cityscapes, at the reference schedule. Leaf configs add a model base, the classes, the input size
# and model.type='FrozenEncoderDecoder' (mmengine takes the top-level key model from one base only:
# the model base).
_base_ = [
    '../datasets/cityscapes_seg.py',
    '../schedules/seg_lp-9k_cityscapes.py',
    '../seg_runtime.py',
]
