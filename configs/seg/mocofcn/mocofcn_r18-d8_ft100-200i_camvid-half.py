# MoCoFCN on ResNet-18-d8, FT-100% (all parameters learn on every labelled image) on half-resolution
# CamVid: the CamVid quality benchmark's main fine-tuning protocol of the continued regime.
_base_ = [
    '../../_base_/models/mocofcn_r18-d8_seg.py',
    '../../_base_/datasets/camvid-half_seg.py',
    '../../_base_/schedules/seg_ft100-200i_camvid-half.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
