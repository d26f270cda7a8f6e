# FT-10%: all parameters learn on a seeded 10% label split; CamVid (scaled-down protocol), with
# layer-wise lr decay for ViTs (schedules/seg_vit_optim.py). Leaf configs add a model base, the
# classes and the input size.
_base_ = [
    '../datasets/camvid_seg.py',
    '../schedules/seg_vit_ft10-2k_camvid.py',
    '../seg_runtime.py',
]
train_dataloader = _base_.label_split_10pct  # the dataset's seeded 10% split
