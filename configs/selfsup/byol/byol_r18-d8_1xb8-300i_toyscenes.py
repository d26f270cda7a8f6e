# MMSelfSup's own BYOL (Grill et al. 2020, https://arxiv.org/abs/2006.07733): projector and
# predictor of hidden width 1024 (4096 * 512/2048), 256-d output, target momentum 0.99 rising to 1
# (cosine, over max_iters). SGD instead of LARS, to share our schedule.
_base_ = [
    '../../_base_/models/r18-d8_last-stage.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
neck_norm_cfg = dict(type='BN1d')  # on 1-D features; SyncBN (any dim) for multi-GPU runs
model = dict(
    type='mmselfsup.BYOL',
    base_momentum=0.99,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    neck=dict(
        type='NonLinearNeck',
        in_channels=512,
        hid_channels=1024,
        out_channels=256,
        num_layers=2,
        with_bias=True,
        with_last_bn=False,
        with_avg_pool=True,
        norm_cfg=neck_norm_cfg),
    head=dict(
        type='LatentPredictHead',
        predictor=dict(
            type='NonLinearNeck',
            in_channels=256,
            hid_channels=1024,
            out_channels=256,
            num_layers=2,
            with_bias=True,
            with_last_bn=False,
            with_avg_pool=False,
            norm_cfg=neck_norm_cfg),
        loss=dict(type='CosineSimilarityLoss')))
