# MoCo w/dec (Chen et al. 2020, https://arxiv.org/abs/2003.04297, on the decoder's output): MoCo
# v2's projector on the pooled MoCoFCN output (256 channels), queue 4096, momentum 0.99 and
# temperature 0.2 at the toy scale. Like every method here, without its encoder: a model base
# (mocodec_r18-d8-mocofcn.py, mocov2_r18-d8.py, ...) adds that from a backbone base (r18-d8.py).
model = dict(
    type='MoCoDec',
    queue_len=4096,
    feat_dim=128,
    momentum=0.99,
    neck=dict(
        type='MoCoV2Neck', in_channels=256, hid_channels=256, out_channels=128,
        with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.2))
