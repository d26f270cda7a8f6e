# voc12aug_masks.py for a stride-14 encoder (DINOv2's ViT/14): region ids sampled among the masks
# present at stride 14, as the model brings them to its map (the views are unchanged).
_base_ = './voc12aug_masks.py'
feat_stride = 14
train_pipeline = [
    dict(t, feat_stride=feat_stride) if t['type'] == 'SampleMaskIds' else t
    for t in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
