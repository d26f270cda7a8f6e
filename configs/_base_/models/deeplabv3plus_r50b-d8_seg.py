# DeepLabv3+ (DepthwiseSeparableASPPHead) on the r50b-d8 backbone of r50b-d8.py:
# seg/deeplabv3plus.py with `dlv3p_decoder`.
_base_ = ['./seg/deeplabv3plus.py', './r50b-d8.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.dlv3p_decoder}})
