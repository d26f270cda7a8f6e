# PSPNet-256 on ResNet-18-d8, FT-100%: all parameters learn on every labelled image; Cityscapes.
_base_ = [
    '../../_base_/models/pspnet256_r18-d8_seg.py',
    '../../_base_/datasets/cityscapes_seg.py',
    '../../_base_/schedules/seg_ft100-90k_cityscapes.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=19))
