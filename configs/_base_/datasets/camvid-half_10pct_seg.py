# FT-10% on half-resolution CamVid: the seeded 10% split of camvid_10pct_seg.py (37 of 367 images).
_base_ = './camvid-half_seg.py'
train_dataloader = dict(dataset=dict(ann_file='splits/train_10pct_seed0.txt'))
