# PLMoCo w/dec: patch-level MoCo on the MoCoFCN decoder's output (256 channels), toy-scale values.
# Near positives: the other key cells within the positive radius of a query are no negatives
# ('exclude'; 'positive' counts them as positives, PixPro-style; 'negative' is the loss before).
# In-batch negatives: 4096 key cells sampled per step (as many as the queue holds). At 64 px / batch
# 8 (512 key cells) and on CamVid (128 px, batch 16: 4096) that is every key cell, the exact loss;
# at 224 px / batch 32 (25,088 key cells) it keeps the in-batch term's time linear in the batch
# (see benchmarks/results/scaling_r18_cpu.md and camvid_near_positives.md for the trade-off).
# The loss is chunked either way: at most max_logits logits are held at once.
model = dict(
    type='PLMoCo',
    queue_len=4096,
    feat_dim=128,
    momentum=0.99,
    pos_threshold=0.7,
    enqueue_cells=16,
    near_positives='exclude',
    num_batch_negatives=4096,
    max_logits=2**24,
    neck=dict(type='DenseProjector', in_channels=256, hid_channels=256, out_channels=128),
    head=dict(type='ContrastiveHead', loss=dict(type='mmcls.CrossEntropyLoss'), temperature=0.2))
