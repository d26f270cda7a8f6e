# PSPNet-256 on the plain-stem dilated ResNet-50 at output stride 8 (r50b-d8: mmseg.ResNet, for
# checkpoints continued from MoCo v2 / MMSelfSup / torchvision ResNet-50s), FT-100%: all parameters
# learn on every labelled image; PASCAL VOC 2012 aug, at the reference schedule.
_base_ = [
    '../../_base_/models/pspnet256_r50b-d8_seg.py',
    '../../_base_/datasets/voc12aug_seg.py',
    '../../_base_/schedules/seg_ft100-30k_voc.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=21))
