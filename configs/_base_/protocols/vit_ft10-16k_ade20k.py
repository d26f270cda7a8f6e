# FT-10% on ADE20K (ft10-16k_ade20k.py: its split, iterations and batch) with the ViT optimizer of
# schedules/seg_vit_optim.py (AdamW, layer-wise lr decay; fixed lr, as the ResNet protocol).
_base_ = ['./ft10-16k_ade20k.py', '../schedules/seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
