# Non-local on ResNet-18-d8, FT-10%: all parameters learn on a seeded 10% label split; CamVid
# (scaled- down protocol).
_base_ = [
    '../../_base_/models/nonlocal_r18-d8_seg.py',
    '../../_base_/datasets/camvid_10pct_seg.py',
    '../../_base_/schedules/seg_ft10-2k_camvid.py',
    '../../_base_/seg_runtime.py',
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}), decode_head=dict(num_classes=11))
