# FT-10% on CamVid: the training set cut to a seeded 10% label split (37 of 367 images), written by
#   python tools/make_label_split.py configs/seg/<head>/<head>_r18-d8_ft100-10k_camvid.py \
#       --fraction 0.1 --seed 0 [--out-dir DIR]
# to <data_root>/splits/train_10pct_seed0.txt (use --out-dir and an absolute ann_file where the data
# folder is read-only; tools/evaluate.py does this by itself).
_base_ = './camvid_seg.py'
train_dataloader = dict(dataset=dict(ann_file='splits/train_10pct_seed0.txt'))
