# FT-100% on ADE20K (ft100-80k_ade20k.py: its data, iterations and batch) with the ViT optimizer
# and cosine of schedules/seg_vit_optim.py (AdamW, layer-wise lr decay).
_base_ = ['./ft100-80k_ade20k.py', '../schedules/seg_vit_optim.py']
optim_wrapper = {{_base_.vit_ft_optim_wrapper}}
param_scheduler = [dict(_base_.vit_ft100_cosine, T_max=80000, end=80000)]
