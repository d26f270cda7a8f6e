# PLMoCo w/dec (MoCoFCN) at the reference scale, on the plain-stem ResNet-50 of r50b-d8.py. Momentum
# 0.999 and temperature 0.2: MoCo v2's; the cell queue at MoCo v2's 65,536 entries (16 cells
# enqueued per image, 4,096 images' worth): our choice (MoCo v2's value; the toy configs use 4,096).
# Matching threshold 0.7: PixPro's.
_base_ = ['./r50b-d8.py', './methods/plmoco.py']
model = dict(data_preprocessor={{_base_.selfsup_data_preprocessor}}, backbone={{_base_.backbone}},
             decoder={{_base_.mocofcn_decoder}}, queue_len=65536, momentum=0.999)
