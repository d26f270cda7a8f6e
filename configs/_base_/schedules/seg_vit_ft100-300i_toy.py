# FT-100% for the toy scenes with the ViT optimizer and cosine of seg_vit_optim.py over the
# iterations and batch of seg_toy_ft.py.
_base_ = ['./seg_toy_ft.py', './seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
param_scheduler = [dict(_base_.vit_ft100_cosine, T_max=300, end=300)]
