# PSPNet-256 (PSPHead with 256 output channels, the draft report's PSPNet*) on the r18-d8 backbone
# of r18-d8.py: seg/pspnet.py with `psp256_decoder`.
_base_ = ['./seg/pspnet.py', './r18-d8.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.psp256_decoder}})
