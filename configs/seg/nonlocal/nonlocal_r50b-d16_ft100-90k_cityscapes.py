# Non-local on the plain-stem dilated ResNet-50 at output stride 16 (r50b-d16: mmseg.ResNet, for
# checkpoints continued from MoCo v2 / MMSelfSup / torchvision ResNet-50s), FT-100%: all parameters
# learn on every labelled image; Cityscapes, at the reference schedule.
_base_ = [
    '../../_base_/models/nonlocal_r50b-d16_seg.py',
    '../../_base_/datasets/cityscapes_seg.py',
    '../../_base_/schedules/seg_ft100-90k_cityscapes.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=19))
