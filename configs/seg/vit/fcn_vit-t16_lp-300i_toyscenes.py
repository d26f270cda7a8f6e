# LP-100% (only conv_seg learns; encoder and decoder frozen bit for bit) on ViT-Tiny/16, the FCN
# decoder of the ViT pre-training configs; toyscenes.
_base_ = [
    '../../_base_/models/fcn_vit-t16_seg.py',
    '../../_base_/datasets/toy_scenes_seg.py',
    '../../_base_/schedules/seg_toy_lp.py',
    '../../_base_/seg_runtime.py',
]
model = dict(
    type='FrozenEncoderDecoder',
    trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes=6))
