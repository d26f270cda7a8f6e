# FT-10%: all parameters learn on a seeded 10% label split; half-resolution CamVid: the CamVid
# quality benchmark's fine-tuning protocol. Leaf configs add a model base, the classes and the
# input size.
_base_ = [
    '../datasets/camvid-half_seg.py',
    '../schedules/seg_ft10-100i_camvid-half.py',
    '../seg_runtime.py',
]
train_dataloader = _base_.label_split_10pct  # the dataset's seeded 10% split
