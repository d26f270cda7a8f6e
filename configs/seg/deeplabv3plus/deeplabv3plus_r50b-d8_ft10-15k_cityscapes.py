# DeepLabv3+ on the plain-stem dilated ResNet-50 at output stride 8 (r50b-d8: mmseg.ResNet, for
# checkpoints continued from MoCo v2 / MMSelfSup / torchvision ResNet-50s), FT-10%: all parameters
# learn on a seeded 10% label split; Cityscapes, at the reference schedule.
_base_ = [
    '../../_base_/models/deeplabv3plus_r50b-d8_seg.py',
    '../../_base_/datasets/cityscapes_10pct_seg.py',
    '../../_base_/schedules/seg_ft10-15k_cityscapes.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=19))
