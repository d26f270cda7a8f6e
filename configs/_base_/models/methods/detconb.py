# DetCon-B w/dec: BYOL-style contrastive detection on the MoCoFCN decoder's output: DetCon-S's
# projector and head (detcons.py) plus a predictor of the same MLP shape and a momentum target.
# Narrowed for the toy scale (paper: 4096, 256); target momentum 0.99 -> 1 (cosine) for the short
# toy schedule (paper: 0.996 over 300-1000 epochs).
_base_ = './detcons.py'
model = dict(
    type='DetConB',
    base_momentum=0.99,
    predictor=dict(
        type='NonLinearNeck', in_channels=128, hid_channels=512, out_channels=128, num_layers=2,
        with_bias=True, with_last_bn=False, with_avg_pool=False))
