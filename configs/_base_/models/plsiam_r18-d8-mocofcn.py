# PLSiam: patch-level SimSiam on the MoCoFCN decoder output.
_base_ = './r18-d8.py'
model = dict(
    type='PLSiam',
    pos_threshold=0.7,
    data_preprocessor={{_base_.selfsup_data_preprocessor}},
    backbone={{_base_.backbone}},
    decoder={{_base_.mocofcn_decoder}},
    neck=dict(
        type='DenseProjector', in_channels=256, hid_channels=256, out_channels=128,
        norm_cfg=dict(type='BN')),
    head=dict(
        type='DenseLatentPredictHead',
        predictor=dict(  # SimSiam's bottleneck predictor, as 1x1 convs
            type='DenseProjector', in_channels=128, hid_channels=32, out_channels=128,
            norm_cfg=dict(type='BN'))))
