# voc12aug_masks.py for a stride-14 encoder (DINOv2's ViT/14): region ids sampled among the masks
# present at stride 14, as the model brings them to its map (the views are unchanged).
_base_ = './voc12aug_masks.py'
feat_stride = 14
sample_masks = dict(_base_.sample_masks, feat_stride=feat_stride)
train_pipeline = [
    *_base_.load_pipeline, _base_.mask_transform, _base_.two_views, sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
