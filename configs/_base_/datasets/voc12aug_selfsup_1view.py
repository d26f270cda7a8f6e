# One view per image (P2Vec): the loading and view augmentation of voc12aug_selfsup.py.
_base_ = './voc12aug_selfsup.py'
train_pipeline = [*_base_.load_pipeline, *_base_.view_pipeline, _base_.pack_views]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
