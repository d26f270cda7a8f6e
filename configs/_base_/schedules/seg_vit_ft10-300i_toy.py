# FT-10% for the toy scenes with the ViT optimizer of seg_vit_optim.py (fixed lr, as the ResNet
# protocol) over the iterations and batch of seg_ft10-300i_toy.py.
_base_ = ['./seg_ft10-300i_toy.py', './seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
