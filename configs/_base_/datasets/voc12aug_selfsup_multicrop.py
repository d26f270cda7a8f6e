# Constrained multi-crop on VOC 2012 aug (Van Gansbeke et al. 2021): the toy scenes' recipe
# (toy_scenes_selfsup_multicrop.py: 2 large crops, 4 small crops inside the key, AutoAugment on the
# queries half of the time) at the reference view size: large crops 224 px (the other reference
# configs' views; the paper's 160 px saved ImageNet compute), small crops 96 px (the paper's), at
# the paper's scales 0.2-1.0 and 0.05-0.14. Loader as voc12aug_selfsup.py (8 persistent workers,
# pinned memory).
_base_ = './toy_scenes_selfsup_multicrop.py'
data_root = 'data/VOCdevkit/VOC2012/'
load_pipeline = [_base_.train_pipeline[0]]  # LoadImageChecked
train_pipeline = [
    *load_pipeline,
    dict(_base_.train_pipeline[1], large_size=224, small_size=96),  # ConstrainedMultiCrop
    _base_.train_pipeline[-1],  # PackDenseSSLInputs
]
train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    dataset=dict(
        data_root=data_root,
        data_prefix=dict(img_path='JPEGImages'),
        ann_file='ImageSets/Segmentation/train_aug.txt',
        ann_suffix='.jpg',
        pipeline=train_pipeline))
