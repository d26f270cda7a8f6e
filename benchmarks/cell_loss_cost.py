"""Cost of PLMoCo's cell-level InfoNCE alone, against the batch: the unchunked logits (as
MMSelfSup's ContrastiveHead), the chunked exact loss and the chunked loss with sampled in-batch
negatives.

    python benchmarks/cell_loss_cost.py [--batch 8 16 32] [--cells 784] [--unchunked-max 16]

Shapes as at 224 px views with an output-stride-8 backbone: ``--cells`` (28 x 28 = 784) query and
key cells per image, M = K = N x cells, 128-dim vectors, a 4096-entry queue, 4096 sampled negatives.
Each (variant, batch) runs forward + backward in its own process; peak memory is the growth of
the process's peak resident set over its size before the loss (inputs already made). Only the
loss is measured here, not the step: ``benchmarks/speed.py --size 224 --batch ...`` measures whole
steps. Results to ``benchmarks/results/cell_loss_cost_cpu.md``; absolute figures are
machine-dependent.
"""
import argparse
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
VARIANTS = ('unchunked', 'chunked exact', 'chunked, 4096 sampled')


def measure(variant: str, batch: int, cells: int, dim: int = 128, queue_len: int = 4096) -> dict:
    import torch
    import torch.nn.functional as F

    from ssl4dp_mm.models.utils.cell_nce import cell_info_nce

    torch.manual_seed(0)
    m = batch * cells
    q = F.normalize(torch.randn(m, dim), dim=1).requires_grad_()
    keys = F.normalize(torch.randn(m, dim), dim=1)
    queue = F.normalize(torch.randn(queue_len, dim), dim=1)
    pos = torch.randperm(m)
    with open('/proc/self/status') as f:
        before = next(int(line.split()[1]) for line in f if line.startswith('VmRSS:')) / 1024
    start = time.perf_counter()
    if variant == 'unchunked':  # full logits, as MMSelfSup's ContrastiveHead
        l_pos = (q * keys[pos]).sum(1, keepdim=True)
        l_batch = (q @ keys.t()).scatter(1, pos[:, None], float('-inf'))
        logits = torch.cat([l_pos, l_batch, q @ queue.t()], dim=1) / 0.2
        loss = F.cross_entropy(logits, torch.zeros(m, dtype=torch.long))
    elif variant == 'chunked exact':
        loss = cell_info_nce(q, keys[pos], keys, queue, 0.2, pos_col=pos, near_mode='negative')
    else:
        cols = torch.randperm(m)[:4096]
        column_of = torch.full((m, ), -1, dtype=torch.long)
        column_of[cols] = torch.arange(cols.numel())
        loss = cell_info_nce(q, keys[pos], keys[cols], queue, 0.2, pos_col=column_of[pos],
                             near_mode='negative')
    loss.backward()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    return dict(variant=variant, batch=batch, seconds=seconds, peak_mb=peak, m=m)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch', type=int, nargs='+', default=[8, 16, 32])
    parser.add_argument('--cells', type=int, default=784)
    parser.add_argument('--unchunked-max', type=int, default=16,
                        help='largest batch for the unchunked loss (its memory grows ~N^2)')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--out', default=osp.join(ROOT, 'benchmarks', 'results',
                                                  'cell_loss_cost_cpu.md'))
    parser.add_argument('--single', nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        import torch
        torch.set_num_threads(args.threads)
        print('RESULT ' + json.dumps(measure(args.single[0], int(args.single[1]), args.cells)))
        return
    rows = []
    for batch in args.batch:
        for variant in VARIANTS:
            if variant == 'unchunked' and batch > args.unchunked_max:
                rows.append(dict(variant=variant, batch=batch, skipped=True))
                continue
            proc = subprocess.run([sys.executable, __file__, '--single', variant, str(batch),
                                   '--cells', str(args.cells), '--threads', str(args.threads)],
                                  capture_output=True, text=True)
            out = [line for line in proc.stdout.splitlines() if line.startswith('RESULT ')]
            rows.append(json.loads(out[0][7:]) if out else
                        dict(variant=variant, batch=batch, error=proc.stderr.strip()[-300:]))
            print(rows[-1], flush=True)
    from ssl4dp_mm.benchmarking.results_file import environment_line, versions, write_markdown
    lines = ['# PLMoCo cell-level InfoNCE alone: forward + backward against the batch', '',
             environment_line(f'{os.cpu_count()} cores, {args.threads} threads', versions('torch')),
             '',
             f'{args.cells} query and key cells per image (224 px views, stride 8), 128-dim, queue '
             '4096, temperature 0.2. Peak memory: growth of peak RSS during the loss. **Absolute '
             'figures are machine-dependent**; the growth with the batch is the result.', '',
             '| batch | query cells M | ' + ' | '.join(f'{v} s / MB' for v in VARIANTS) + ' |',
             '|---|---|' + '---|' * len(VARIANTS)]
    for batch in args.batch:
        cells = []
        for variant in VARIANTS:
            r = next(x for x in rows if x['batch'] == batch and x['variant'] == variant)
            cells.append('not run (~N^2 memory)' if r.get('skipped') else
                         f'failed: {r["error"][-80:]}' if 'error' in r else
                         f'{r["seconds"]:.1f} / {r["peak_mb"]:.0f}')
        lines.append(f'| {batch} | {batch * args.cells} | ' + ' | '.join(cells) + ' |')
    table = '\n'.join(lines) + '\n'
    print(table)
    write_markdown(args.out, table)


if __name__ == '__main__':
    main()
