# PSPNet (PSPHead, pyramid pooling) on the r18-d16 backbone of r18-d16.py: seg/pspnet.py with
# `psp_decoder`.
_base_ = ['./seg/pspnet.py', './r18-d16.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.psp_decoder}})
