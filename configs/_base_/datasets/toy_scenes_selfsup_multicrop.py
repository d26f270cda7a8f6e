# Constrained multi-crop on the toy scenes (Van Gansbeke et al. 2021, scaled from 160/96 px to the
# toy's 64 px views): 2 large crops of 64 px at scale 0.2-1.0 and 4 small crops of 40 px at scale
# 0.05-0.14 that lie inside the key (the last large crop). As in the reference recipe
# (--auto-augment 0 2 3 4 5), every view but the key gets, half of the time, mmcls's AutoAugment
# (ImageNet policy) instead of the MoCo v2 colour augmentation. AutoAugment's Rotate/Shear move
# pixels without updating coord_box: fine for image-level losses, not for dense ones.
_base_ = './toy_scenes_selfsup.py'
moco_aug = [
    dict(
        type='RandomApply',
        transforms=[
            dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
        ],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='RandomGaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5),
    dict(type='RandomFlipWithCoord', prob=0.5),
]
auto_aug = [
    dict(type='RandomFlipWithCoord', prob=0.5),
    dict(type='MMClsAutoAugment', policies='imagenet'),
]
query_aug = [dict(type='RandomChoice', transforms=[auto_aug, moco_aug])]
train_pipeline = [
    dict(type='LoadImageChecked'),  # names the file on failure; 3-channel BGR
    dict(
        type='ConstrainedMultiCrop',
        large_size=64,
        small_size=40,
        num_large=2,
        num_small=4,
        large_scale=(0.2, 1.0),
        small_scale=(0.05, 0.14),
        constrain_to=-1,
        transforms=[query_aug, moco_aug, query_aug],
        num_views=[1, 1, 4]),
    dict(type='PackDenseSSLInputs', field_keys=['coord_box'], meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
