# Non-local (NLHead) on the r18b-d8 backbone of r18b-d8.py: seg/nonlocal.py with `nl_decoder`.
_base_ = ['./seg/nonlocal.py', './r18b-d8.py']
model = dict(backbone={{_base_.backbone}}, decode_head={{_base_.nl_decoder}})
