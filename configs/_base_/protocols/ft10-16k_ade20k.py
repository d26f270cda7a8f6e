# FT-10%: all parameters learn on a seeded 10% label split; ADE20K, 16k iterations (a tenth of
# MMSeg's 160k schedule for a tenth of the labels), batch 16, lr 0.005 fixed (the Cityscapes
# protocol's). Leaf configs add a model base, the classes and the input size.
_base_ = [
    '../datasets/ade20k_seg.py',
    '../schedules/seg_protocol.py',
    '../seg_runtime.py',
]
optim_wrapper = dict(optimizer=dict(lr=0.005))
train_cfg = dict(max_iters=16000, val_interval=16000)
default_hooks = dict(checkpoint=dict(interval=16000))
train_dataloader = _base_.label_split_10pct  # the dataset's seeded 10% split
