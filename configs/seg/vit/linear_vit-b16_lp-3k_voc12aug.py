# LP-100% (only conv_seg learns; encoder and decoder frozen bit for bit) on ViT-B/16, the linear
# head on the patch tokens (Leopart / NeCo frozen-token probe); voc12aug.
_base_ = [
    '../../_base_/models/linear_vit-b16_seg.py',
    '../../_base_/datasets/voc12aug_seg.py',
    '../../_base_/schedules/seg_lp-3k_voc.py',
    '../../_base_/seg_runtime.py',
]
model = dict(
    type='FrozenEncoderDecoder',
    trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes=21))
