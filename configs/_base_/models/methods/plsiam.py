# PLSiam: patch-level SimSiam on the MoCoFCN decoder output.
model = dict(
    type='PLSiam',
    pos_threshold=0.7,
    neck=dict(
        type='DenseProjector', in_channels=256, hid_channels=256, out_channels=128,
        norm_cfg=dict(type='BN')),
    head=dict(
        type='DenseLatentPredictHead',
        predictor=dict(  # SimSiam's bottleneck predictor, as 1x1 convs
            type='DenseProjector', in_channels=128, hid_channels=32, out_channels=128,
            norm_cfg=dict(type='BN'))))
