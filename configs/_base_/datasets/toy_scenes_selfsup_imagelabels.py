# The two-view toy pre-training data with an image-level label per image (for Exemplar-v2): the
# dominant object class of its label map, background (0) excluded. label_type='multi_hot' gives the
# classes present instead (then set model.multi_label=True).
_base_ = './toy_scenes_selfsup.py'
train_pipeline = [
    dict(type='LoadImageChecked'),  # names the file on failure; 3-channel BGR
    dict(type='MultiViewWithCoord', num_views=2, transforms=[{{_base_.view_pipeline}}]),
    dict(
        type='PackDenseSSLInputs',
        field_keys=['coord_box'],
        meta_keys=['img_path'],
        algorithm_keys=['gt_label']),
]
train_dataloader = dict(
    dataset=dict(
        type='SegMapImageLabels',
        num_classes=6,
        label_type='dominant',
        ignore_classes=(0, ),
        data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
        pipeline=train_pipeline))
