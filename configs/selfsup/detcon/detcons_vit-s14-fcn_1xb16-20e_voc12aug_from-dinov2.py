# "DINOv2 + DetCon-S" w/dec: detcons_vit-s14_1xb16-20e_voc12aug_from-dinov2.py with the FCN decoder
# of _base_/models/fcn_decoder.py on the patch tokens (stride 14; its 256 channels feed the
# projector), new parameters at the full lr while DINOv2's backbone ramps from 0.1x. The decoder
# converts into the MoCoFCN segmentation model of the backbone
# (_base_/models/mocofcn_timm-vit-s14-dinov2_seg.py).
_base_ = [
    './detcons_vit-s14_1xb16-20e_voc12aug_from-dinov2.py',
    '../../_base_/models/fcn_decoder.py',
]
model = dict(
    decoder=dict(_base_.fcn_decoder, _delete_=True, in_channels=_base_.timm_embed_dims),
    neck=dict(in_channels=_base_.fcn_decoder.channels))
