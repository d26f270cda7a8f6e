# Non-local (NLHead) on the r18-d16 backbone of r18-d16.py: seg/nonlocal.py with `nl_decoder`.
_base_ = ['./seg/nonlocal.py', './r18-d16.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.nl_decoder}})
