# DeepLabv3+ on ResNet-18-d8, FT-100%: all parameters learn on every labelled image; the embedded
# toy scenes.
_base_ = [
    '../../_base_/models/deeplabv3plus_r18-d8_seg.py',
    '../../_base_/datasets/toy_scenes_seg.py',
    '../../_base_/schedules/seg_toy_ft.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=6))
