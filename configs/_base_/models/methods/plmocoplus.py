# PLMoCo+: PLMoCo's patch-level loss plus image-level MoCo on the pooled decoder output (MoCoFCN).
_base_ = './plmoco.py'
model = dict(
    type='PLMoCoPlus',
    img_queue_len=4096,
    patch_weight=0.5,
    img_weight=0.5,
    img_neck=dict(
        type='MoCoV2Neck', in_channels=256, hid_channels=256, out_channels=128,
        with_avg_pool=True))
