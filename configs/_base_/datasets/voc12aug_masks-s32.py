# voc12aug_masks.py for a stride-32 encoder (a ConvNeXt's last stage): region ids sampled among
# the masks present at stride 32, as the model brings them to its map (the views are unchanged).
_base_ = './voc12aug_masks.py'
feat_stride = 32
train_pipeline = [
    dict(t, feat_stride=feat_stride) if t['type'] == 'SampleMaskIds' else t
    for t in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
