# LP-100%: only decode_head.conv_seg learns; backbone, decoder and BN statistics stay frozen;
# CamVid (scaled-down protocol). Leaf configs add a model base, the classes, the input size and
# model.type='FrozenEncoderDecoder' (mmengine takes the top-level key model from one base only: the
# model base).
_base_ = [
    '../datasets/camvid_seg.py',
    '../schedules/seg_lp-1k_camvid.py',
    '../seg_runtime.py',
]
