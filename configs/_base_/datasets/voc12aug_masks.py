# Region-level pre-training on VOC 2012 aug (DetCon): Felzenszwalb masks computed once per image
# (before the views) and moved with every crop/flip of the two 224 px views, then 16 region ids
# sampled per image (DetCon's 16). scale=min_size=1000, sigma=0.8 are DetCon's (Henaff et al.
# 2021) for ~500x375 ImageNet images; VOC's images are that size, so they are used unscaled
# (areas scale with the image: 1000 * (500 * 375) / (500 * 375) = 1000). The same 10,582 images
# come back every epoch, so masks are cached on disk (cache_dir, on by default here; one 16-bit
# PNG per image): the transform computes an image's mask at first use and writes it there
# (write_cache=True, atomic, safe with many workers and ranks), later epochs read it; or fill the
# cache ahead with tools/precompute_masks.py. Move it with
# --cfg-options train_dataloader.dataset.pipeline.1.cache_dir=DIR.
_base_ = './voc12aug_selfsup.py'
num_masks = 16
feat_stride = 8  # output stride of the dilated ResNet (and of its decoder)
mask_cache_dir = 'data/mask_cache'
mask_transform = dict(
    type='FelzenszwalbMasks', scale=1000, sigma=0.8, min_size=1000, cache_dir=mask_cache_dir)
# DetCon's sampling: each view draws its own ids from the masks present in it (see
# toy_scenes_masks.py)
sample_masks = dict(type='SampleMaskIds', num_masks=num_masks, feat_stride=feat_stride,
                    per_view=True)
train_pipeline = [
    *_base_.load_pipeline,
    mask_transform,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[_base_.view_pipeline]),
    sample_masks,
    dict(type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
         meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
