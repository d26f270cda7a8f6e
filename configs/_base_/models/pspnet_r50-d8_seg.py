# PSPNet (PSPHead, pyramid pooling) on the r50-d8 backbone of r50-d8.py: seg/pspnet.py with
# `psp_decoder`.
_base_ = ['./seg/pspnet.py', './r50-d8.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.psp_decoder}})
