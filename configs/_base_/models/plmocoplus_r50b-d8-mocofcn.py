# PLMoCo+ w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py:
# PLMoCo's patch loss plus image-level MoCo, losses averaged (0.5 / 0.5, ours). Both queues at MoCo
# v2's 65,536, momentum 0.999 (MoCo v2's).
_base_ = ['./r50b-d8.py', './methods/plmocoplus.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, queue_len=65536, img_queue_len=65536,
             momentum=0.999)
