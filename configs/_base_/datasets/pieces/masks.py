# Pieces of the region-level (mask) pre-training pipelines, a base beside the dataset's
# <dataset>_selfsup.py. The dataset base sets the mask transform: masks computed once per image,
# before the views, and moved with every crop and flip of the views; then num_masks region ids are
# sampled per image. Felzenszwalb's scale and
# min_size are DetCon's 1000 (Henaff et al. 2021; pixel areas for ~500x375 ImageNet images), scaled
# by image area. A mask transform caches the masks of an image when cache_dir is set: it computes
# them at first use and writes one 16-bit PNG per image (write_cache=True, atomic, safe with many
# workers and ranks), later epochs read it; tools/precompute_masks.py fills the cache ahead.
num_masks = 16
feat_stride = 8  # output stride of the dilated ResNet (and of its decoder)
# DetCon's sampling (deepmind detcon_b.py, sample_masks): each view draws its own ids from the
# masks present in it; positives are the ids both draws hit. per_view=False (draw once from the
# masks present in both views, so every sampled id is a positive pair) stays an option: on the toy
# scenes it gives more positives per step (docs/region_level.md has the counts).
sample_masks = dict(
    type='SampleMaskIds', num_masks=num_masks, feat_stride=feat_stride, per_view=True)
# RLMoCo contrasts the regions shared by both views: ids drawn once from those.
sample_shared_masks = dict(sample_masks, per_view=False)
pack_masks = dict(
    type='PackDenseSSLInputs', field_keys=['coord_box', 'masks', 'mask_ids'],
    meta_keys=['img_path'])
