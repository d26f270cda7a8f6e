# DeepLabv3 (ASPPHead) on the r18-d8 backbone of r18-d8.py: seg/deeplabv3.py with `aspp_decoder`.
_base_ = ['./seg/deeplabv3.py', './r18-d8.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.aspp_decoder}})
