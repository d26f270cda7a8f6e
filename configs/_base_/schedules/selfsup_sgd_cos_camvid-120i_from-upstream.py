# Continued pre-training at the CamVid benchmark's budget: the reference reports' schedule
# ("MoCo-v2 + X", configs/_base_/schedules/selfsup_sgd_cos_20e_from-mocov2.py) scaled to 120
# iterations. New parameters (decoder, projectors, predictors) follow the main cosine from the
# config's lr to 1/10 of it; the parameters loaded from the upstream image-level checkpoint start
# at 1/10 of the lr and rise along a cosine, switching to the main schedule once they would exceed
# it (the curves meet at iteration 60). The optimizer (SGD, lr 0.03, momentum 0.9, weight decay
# 1e-4) stays the CamVid configs'. Merged over a method's `*_camvid.py` config by
# ssl4dp_mm.engine.continued_config.continued_config, which sets init_checkpoint and the ablations
# (start_factor=1.0: one lr for all).
optim_wrapper = dict(
    constructor='ContinuedPretrainOptimWrapperConstructor',
    paramwise_cfg=dict(init_checkpoint=None))  # backbone.* loaded (the constructor's default)
param_scheduler = [
    dict(
        type='ContinuedPretrainCosineLR',
        T_max=120,
        eta_min_ratio=0.1,
        start_factor=0.1,
        by_epoch=False,
        begin=0,
        end=120)
]
