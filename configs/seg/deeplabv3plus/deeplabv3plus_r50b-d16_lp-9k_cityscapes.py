# DeepLabv3+ on the plain-stem dilated ResNet-50 at output stride 16 (r50b-d16: mmseg.ResNet, for
# checkpoints continued from MoCo v2 / MMSelfSup / torchvision ResNet-50s), LP-100%: only
# decode_head.conv_seg learns; backbone, decoder (the skip projection c1_bottleneck and the fuse
# convs sep_bottleneck included) and BN statistics stay frozen; Cityscapes, at the reference
# schedule.
_base_ = [
    '../../_base_/models/deeplabv3plus_r50b-d16_seg.py',
    '../../_base_/datasets/cityscapes_seg.py',
    '../../_base_/schedules/seg_lp-9k_cityscapes.py',
    '../../_base_/seg_runtime.py',
]
model = dict(
    type='FrozenEncoderDecoder',
    trainable=['decode_head.conv_seg'],
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes=19))
