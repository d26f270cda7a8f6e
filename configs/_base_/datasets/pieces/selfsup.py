# Pieces of the pre-training pipelines, composed by name in the <dataset>_selfsup*.py bases, and
# the loader settings that every pre-training dataset shares. A dataset base sets its crop size,
# its load_pipeline (the loader, maybe a resize), view_pipeline and two_views.
_base_ = './loading.py'
# MoCo v2's view augmentation (Chen et al. 2020): a crop at scale 0.2-1 (the dataset sets its size),
# colour jitter 0.4/0.4/0.4/0.1 at p 0.8, grayscale at p 0.2, Gaussian blur 0.1-2.0 at p 0.5, and a
# horizontal flip. The crop and the flip remember what they did (coord_box) for the dense losses.
moco_v2_crop = dict(type='RandomResizedCropWithCoord', scale=(0.2, 1.0))
moco_v2_colour = [
    dict(
        type='RandomApply',
        transforms=[
            dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
        ],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='RandomGaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5),
]
flip = dict(type='RandomFlipWithCoord', prob=0.5)
moco_aug = [*moco_v2_colour, flip]  # all of a view's augmentation after its crop
pack_views = dict(type='PackDenseSSLInputs', field_keys=['coord_box'], meta_keys=['img_path'])
# With an image-level label per image (Exemplar-v2, the one method here that reads labels; the
# dataset is then SegMapImageLabels).
pack_image_labels = dict(pack_views, algorithm_keys=['gt_label'])
# Patch-level rotation (PLR): one view whose 16x16 patches are turned by random multiples of 90
# degrees; the angle index of every pixel is packed as `rot_label`. It comes after every geometric
# transform.
patch_rotation = dict(type='PatchRotation', patch_size=16, label_key='rot_label')
pack_rotation = dict(type='PackDenseSSLInputs', field_keys=['rot_label'], meta_keys=['img_path'])
# Constrained multi-crop (Van Gansbeke et al. 2021): 2 large crops at scale 0.2-1.0 and 4 small
# crops at scale 0.05-0.14 that lie inside the key (the last large crop); the dataset sets
# large_size and small_size (the paper's 160 / 96 px, scaled to its views). As in the reference
# recipe (--auto-augment 0 2 3 4 5), every view but the key gets, half of the time, mmcls's
# AutoAugment (ImageNet policy) instead of the MoCo v2 colour augmentation. AutoAugment's
# Rotate/Shear move pixels without updating coord_box: fine for image-level losses, not for dense
# ones.
auto_aug = [flip, dict(type='MMClsAutoAugment', policies='imagenet')]
query_aug = [dict(type='RandomChoice', transforms=[auto_aug, moco_aug])]
multicrop = dict(
    type='ConstrainedMultiCrop',
    num_large=2,
    num_small=4,
    large_scale=(0.2, 1.0),
    small_scale=(0.05, 0.14),
    constrain_to=-1,
    transforms=[query_aug, moco_aug, query_aug],
    num_views=[1, 1, 4])
# Unlabeled images of a folder (the dataset base sets data_root, data_prefix, the batch and the
# workers), in shuffled epochs that drop the last incomplete batch.
train_dataloader = dict(
    drop_last=True,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='ImageFolder'))
