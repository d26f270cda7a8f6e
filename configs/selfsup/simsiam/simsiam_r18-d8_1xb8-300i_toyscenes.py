# MMSelfSup's own SimSiam (Chen & He 2021, https://arxiv.org/abs/2011.10566): 3-layer projector and
# bottleneck predictor (widths scaled by 512/2048). As in MMSelfSup's recipe the predictor keeps a
# fixed lr: paramwise fix_lr plus SimSiamHook, here per iteration (iteration-based schedule).
_base_ = [
    '../../_base_/models/r18-d8_last-stage.py',
    '../../_base_/datasets/toy_scenes_selfsup.py',
    '../../_base_/schedules/selfsup_sgd_cos_300i.py',
    '../../_base_/selfsup_runtime.py',
]
neck_norm_cfg = dict(type='BN1d')  # on 1-D features; SyncBN (any dim) for multi-GPU runs
model = dict(
    type='mmselfsup.SimSiam',
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    neck=dict(
        type='NonLinearNeck',
        in_channels=512,
        hid_channels=512,
        out_channels=512,
        num_layers=3,
        with_last_bn_affine=False,
        with_avg_pool=True,
        norm_cfg=neck_norm_cfg),
    head=dict(
        type='LatentPredictHead',
        loss=dict(type='CosineSimilarityLoss'),
        predictor=dict(
            type='NonLinearNeck',
            in_channels=512,
            hid_channels=128,
            out_channels=512,
            with_avg_pool=False,
            with_last_bn=False,
            with_last_bias=True,
            norm_cfg=neck_norm_cfg)))
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'predictor': dict(fix_lr=True)}))
# listing custom_hooks replaces the runtime's list: keep RNGStateHook for exact resume
custom_hooks = [
    dict(
        type='SimSiamHook',
        priority='HIGH',
        fix_pred_lr=True,
        lr={{_base_.optim_wrapper.optimizer.lr}},
        adjust_by_epoch=False),
    dict(type='RNGStateHook'),
]
