# voc12aug_masks.py for a stride-16 encoder (ViT/16): region ids sampled among the masks present
# at stride 16, as the model brings them to its token map (the views are unchanged).
_base_ = './voc12aug_masks.py'
feat_stride = 16
train_pipeline = [
    dict(t, feat_stride=feat_stride) if t['type'] == 'SampleMaskIds' else t
    for t in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
