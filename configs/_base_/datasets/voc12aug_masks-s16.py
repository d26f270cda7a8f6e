# voc12aug_masks.py for a stride-16 encoder (ViT/16): region ids sampled among the masks present
# at stride 16, as the model brings them to its token map (the views are unchanged).
_base_ = './voc12aug_masks.py'
feat_stride = 16
sample_masks = dict(_base_.sample_masks, feat_stride=feat_stride)
train_pipeline = [
    *_base_.load_pipeline, _base_.mask_transform, _base_.two_views, sample_masks, _base_.pack_masks
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
