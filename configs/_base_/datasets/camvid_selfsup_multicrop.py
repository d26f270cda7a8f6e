# Constrained multi-crop on CamVid (Van Gansbeke et al. 2021): the toy scenes' recipe (2 large
# crops, 4 small ones inside the key, AutoAugment on the queries half of the time) with the views
# scaled as camvid_selfsup.py scales them: images halved to 240x180, large crops 128 px, small 80 px
# (the paper's 160/96 ratio, rounded to the output stride).
_base_ = './toy_scenes_selfsup_multicrop.py'
data_root = 'data/camvid/'
train_pipeline = [
    _base_.train_pipeline[0],  # LoadImageChecked
    dict(type='mmcv.Resize', scale=(240, 180), keep_ratio=True),
    dict(_base_.train_pipeline[1], large_size=128, small_size=80),  # ConstrainedMultiCrop
    _base_.train_pipeline[-1],  # PackDenseSSLInputs
]
train_dataloader = dict(
    batch_size=16, num_workers=4, dataset=dict(data_root=data_root, pipeline=train_pipeline))
