# ade20k_selfsup.py with one view (P2Vec).
_base_ = './ade20k_selfsup.py'
train_pipeline = [*_base_.load_pipeline, *_base_.view_pipeline, _base_.pack_views]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
