# "ConvNeXt + PLMoCo" w/dec: plmoco_convnext-t_1xb16-20e_voc12aug_from-timm.py with the FCN decoder
# of _base_/models/fcn_decoder.py on the last stage (stride 32; its 256 channels feed the
# projector), new parameters at the full lr while the ConvNeXt-T backbone ramps from 0.1x. The
# decoder converts into the MoCoFCN segmentation model of the backbone
# (_base_/models/mocofcn_timm-convnext-t_seg.py).
_base_ = [
    './plmoco_convnext-t_1xb16-20e_voc12aug_from-timm.py',
    '../../_base_/models/fcn_decoder.py',
]
model = dict(
    decoder=dict(_base_.fcn_decoder, _delete_=True, in_channels=_base_.timm_embed_dims),
    neck=dict(in_channels=_base_.fcn_decoder.channels))
