# Region-level pre-training on the embedded toy scenes: masks computed once per image (before the
# views), moved with every crop/flip of the two views, then 16 region ids sampled per image.
# Felzenszwalb as in DetCon: its scale=1000, min_size=1000 are for full-resolution ImageNet images
# (about 500x375 px); both are areas in pixels, so they scale with the image area:
# 1000 * (96 * 128) / (500 * 375) ~ 66 -> 64 for the 96x128 toy scenes (10-27 segments per image).
_base_ = './toy_scenes_selfsup.py'
num_masks = 16
feat_stride = 8  # output stride of the dilated ResNet (and of its decoder)
mask_transform = dict(type='FelzenszwalbMasks', scale=64, sigma=0.8, min_size=64, cache_dir=None)
# DetCon's sampling (deepmind detcon_b.py, sample_masks): each view draws its own 16 ids from the
# masks present in it; positives are the ids both draws hit. per_view=False (draw once from the
# masks present in both views, so every sampled id is a positive pair) stays an option: at this
# scale it gives more positives per step (docs/region_level.md has the counts), and RLMoCo, whose
# anchors are the shared regions, uses it.
sample_masks = dict(type='SampleMaskIds', num_masks=num_masks, feat_stride=feat_stride,
                    per_view=True)
train_pipeline = [
    dict(type='LoadImageChecked'),
    mask_transform,
    dict(type='MultiViewWithCoord', num_views=2, transforms=[{{_base_.view_pipeline}}]),
    sample_masks,
    dict(type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
         meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
