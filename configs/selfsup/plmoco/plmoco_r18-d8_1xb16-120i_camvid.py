# PLMoCo w/o dec (on the backbone's last map) pre-trained on CamVid; see the w/dec config.
_base_ = './plmoco_r18-d8-mocofcn_1xb16-120i_camvid.py'
model = dict(decoder=None, neck=dict(in_channels=512))
