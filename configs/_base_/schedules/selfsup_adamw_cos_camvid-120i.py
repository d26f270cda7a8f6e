# The CamVid pre-training budget (selfsup_sgd_cos_camvid-120i.py: 120 iterations at batch 16,
# cosine) with the ViT optimizer of selfsup_adamw_cos_300i.py.
_base_ = './selfsup_adamw_cos_300i.py'
param_scheduler = [dict(type='CosineAnnealingLR', T_max=120, by_epoch=False, begin=0, end=120)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=120)
