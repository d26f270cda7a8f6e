# PSPNet-256 on ResNet-18-d8, LP-100%: only decode_head.conv_seg learns; backbone, decoder and BN
# statistics stay frozen; CamVid (scaled-down protocol).
_base_ = [
    '../../_base_/models/pspnet256_r18-d8_seg.py',
    '../../_base_/datasets/camvid_seg.py',
    '../../_base_/schedules/seg_lp-1k_camvid.py',
    '../../_base_/seg_runtime.py',
]
model = dict(
    type='FrozenEncoderDecoder',
    trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes=11))
