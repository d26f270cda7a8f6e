# DetCon-S w/dec: SimCLR-style contrastive detection on the MoCoFCN decoder's output.
# Projector as DetCon's MLP (linear, BN, ReLU, linear), narrowed for the toy scale
# (paper: 4096, 256).
model = dict(
    type='DetConS',
    neck=dict(
        type='NonLinearNeck', in_channels=256, hid_channels=512, out_channels=128, num_layers=2,
        with_bias=True, with_last_bn=False, with_avg_pool=False),
    head=dict(type='DetConHead', temperature=0.1))
