# DeepLabv3 (ASPPHead) on the r18b-d8 backbone of r18b-d8.py: seg/deeplabv3.py with `aspp_decoder`.
_base_ = ['./seg/deeplabv3.py', './r18b-d8.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.aspp_decoder}})
