"""The continued regime's results page: the table (LP-100%, FT-10%, FT-100%, frozen protocols),
the upstream model against random init, each continuation's gain over the upstream model against
its cost, the ramp ablation, and the reports' claims judged in both regimes side by side (the
from-scratch rows read from the from-random-init results JSON). The page's JSON
(:func:`page_record`) holds everything the page is rendered from, so that a committed page renders
again from its JSON (:func:`render_record`).
"""
import json
import os.path as osp
from types import SimpleNamespace
from typing import Dict, List, Optional, Sequence, Tuple

from .camvid_continued_suite import COLUMNS, COMPLEX_DECODERS, CONTINUED, FT100, PROTOCOLS
from .claims import (DECODER_HELPS, NON_CONTRASTIVE_TRAIL, PATCH_BEATS_IMAGE, Claim, cell,
                     difference_lines, units, verdict)
from .statistics import compare_values
from .suite import FROZEN_COLUMNS, column

# the reports' claims, with the protocols each is judged on in both regimes
FT_ON_PAR = Claim('Non-contrastive methods are on par with their contrastive counterparts in '
                  '{column} (a difference beyond the spread contradicts it)',
                  pairs=(('plmoco-dec', 'plsiam-dec'), ))
# the complex decoders (PLMoCo w/dec with DeepLabv3+ / Non-local, each evaluated with its own
# head) against MoCoFCN: the FT-10% gain over the starting point fine-tuned with the same head
# (random init from scratch, the upstream model when continued)
DECODER_GAIN_TITLE = ('Complex decoders gain less than MoCoFCN in {column} (gain over the '
                      'starting point fine-tuned with the same head)')


def decoder_gain_claim(start: str) -> Claim:
    """The complex-decoder claim with ``start`` ('random' or 'upstream') as the baseline."""
    return Claim(DECODER_GAIN_TITLE, gains=tuple(
        (('plmoco-dec', start), (f'plmoco-dec-{d}', f'{start}-{d}')) for d in COMPLEX_DECODERS))


# (claim from random init, claim when continued, protocols)
CLAIMS = ((DECODER_HELPS, DECODER_HELPS, ('lp', 'ft10', 'ft100')),
          (PATCH_BEATS_IMAGE, PATCH_BEATS_IMAGE, ('lp', 'lp-convex')),
          (NON_CONTRASTIVE_TRAIL, NON_CONTRASTIVE_TRAIL, ('lp', 'lp-convex')),
          (FT_ON_PAR, FT_ON_PAR, ('ft10', 'ft100')),
          (decoder_gain_claim('random'), decoder_gain_claim('upstream'), ('ft10', )))
RAMP_PAIRS = (('plmoco-dec', 'plmoco-dec-noramp'), ('plmoco-dec', 'pledmoco-dec'),
              ('mocov2', 'mocov2-naive'))


def _claim_rows(claim: Claim, results: Dict[str, dict]) -> Dict[str, dict]:
    """The rows a claim compares: for a claim on gains every row (the baselines included);
    otherwise methods, not the baselines or the continued regime's variants (naive continuation,
    ramp ablation), which the level means would count."""
    if claim.gains:
        return results
    variants = {n for n, (_, _, variant_of, _) in CONTINUED.items() if variant_of}
    return {n: r for n, r in results.items()
            if n not in ('random', 'upstream') and n not in variants}


def claim_row_names(claim: Claim) -> List[str]:
    """The rows a claim names (its pairs and gains)."""
    names = [n for pair in claim.pairs for n in pair]
    names += [n for gain in claim.gains for row_base in gain for n in row_base]
    return list(dict.fromkeys(names))


def scratch_for(claim: Claim, protocol: str,
                scratch: Sequence[Tuple[str, Dict[str, dict]]]) -> Optional[Tuple[str, dict]]:
    """The from-random-init results file a claim is judged on: the first whose every named row
    has values for ``protocol`` (a claim is judged within one run of the benchmark), else the
    first that has any of them; None without any."""
    names = claim_row_names(claim)
    for path, results in scratch:
        if all(units(results.get(n, {}), protocol) for n in names):
            return path, results
    for path, results in scratch:
        if any(units(results.get(n, {}), protocol) for n in names):
            return path, results
    return None


def _verdict_cell(claim: Claim, results: Dict[str, dict], protocol: str) -> str:
    checks = claim.checks(_claim_rows(claim, results), protocol)
    return f'{verdict(checks)}: ' + '; '.join(c[2] for c in checks)


def claim_lines(scratch: Sequence[Tuple[str, Dict[str, dict]]],
                continued: Dict[str, dict]) -> List[str]:
    """A table: each claim and protocol, its verdict from random init (naming the results file
    it was judged on) and when continued."""
    lines = ['| claim | from random init | continued from the upstream model |', '|---|---|---|']
    for from_scratch, when_continued, protocols in CLAIMS:
        for protocol in protocols:
            label = column(protocol)
            title = from_scratch.title.format(column=label, probe='' if protocol == 'lp' else
                                              f' ({label})')
            picked = scratch_for(from_scratch, protocol, scratch)
            first = ('not measured' if picked is None else
                     f'{_verdict_cell(from_scratch, picked[1], protocol)} '
                     f'(`{osp.basename(picked[0])}`)')
            lines.append(f'| {title} | {first} | '
                         f'{_verdict_cell(when_continued, continued, protocol)} |')
    return lines


def upstream_lines(results: Dict[str, dict]) -> List[str]:
    """The upstream model against random init, per protocol (upstream minus random init)."""
    return difference_lines(results, [('random', 'upstream')], COLUMNS)


def gain_lines(results: Dict[str, dict], upstream_seconds: Optional[float]) -> List[str]:
    """Each continuation's gain over the upstream model per protocol, and its cost."""
    lines = ['| continued row | ' + ' | '.join(column(p) for p in COLUMNS)
             + ' | continuation s | share of the upstream cost |',
             '|---|' + '---|' * (len(COLUMNS) + 2)]
    base = results.get('upstream', {})
    for name, r in results.items():
        if name not in CONTINUED:
            continue
        cells = []
        for protocol in COLUMNS:
            a, b = units(r, protocol), units(base, protocol)
            if not a or not b:
                cells.append('–')
                continue
            _, beyond, diff, two_se = compare_values(a, b)
            mark = '' if beyond is None else (' *' if beyond else '')
            cells.append(f'{diff:+.2f}{mark}')
        seconds = r.get('pretrain', {}).get('seconds')
        share = (f'{100 * seconds / upstream_seconds:.1f}%' if seconds and upstream_seconds
                 else '–')
        lines.append(f'| {r["label"]} | ' + ' | '.join(cells) + f' | {seconds or "–"} | {share} |')
    return lines


def ramp_lines(results: Dict[str, dict]) -> List[str]:
    """The ramp ablation: the ramp against one lr and against the encoder at 1/100 (the ramp's row
    minus the other)."""
    return difference_lines(results, [(b, a) for a, b in RAMP_PAIRS], COLUMNS)


def load_scratch(paths: Sequence[str]) -> List[Tuple[str, Dict[str, dict]]]:
    """The from-random-init results JSONs of ``camvid_quality.py`` that exist, in order, as
    (path, rows) pairs; a claim is judged on the first that holds all of its rows
    (:func:`scratch_for`)."""
    out = []
    for path in paths or ():
        if osp.isfile(path):
            with open(path) as f:
                out.append((path, json.load(f)))
    return out


def render(results: Dict[str, dict], args, wall: float, env: str, upstream: dict,
           scratch: Sequence[Tuple[str, Dict[str, dict]]] = ()) -> str:
    """The page.

    Args:
        results (dict): row name -> its JSON record (:func:`.runner.run_row`).
        args: the run's settings (``pretrain_seeds``, ``paired_seeds``, ``pretrain_iters``,
            ``eval_iters``).
        wall (float): the benchmark's wall seconds.
        env (str): the environment line.
        upstream (dict): the upstream model's cost record (:func:`.upstream.build_upstream`).
        scratch (sequence): the from-random-init results files, (path, rows) pairs
            (:func:`load_scratch`). Defaults to ().
    """
    frozen = [p for p in FROZEN_COLUMNS if any(r.get(p) for r in results.values())]
    cols = list(PROTOCOLS) + frozen
    up_s = upstream.get('seconds')
    lines = [
        '# CamVid continued regime: ResNet-18-d8 continued from an upstream MoCo v2, MoCoFCN '
        'head, val mIoU (%)', '', env, '',
        f'Upstream model: `{upstream.get("config")}` (MoCo v2 on the 1000 images of '
        f'imagenet-sample, seed {upstream.get("seed")}, {upstream.get("epochs")} epochs = '
        f'{upstream.get("iters")} iterations at batch {upstream.get("batch")}, '
        f'{upstream.get("images_seen")} images seen; wall {(up_s or 0) / 60:.1f} min on this '
        'machine, summed over its runs). Continuation: each method\'s CamVid config '
        f'(`configs/selfsup/<method>/*_camvid.py`, {args.pretrain_iters or 120} iterations at '
        'batch 16, 128 px views) with the reports\' schedule scaled to it '
        '(`configs/_base_/schedules/selfsup_sgd_cos_camvid-120i_from-upstream.py`: loaded '
        'backbone from 0.1x the lr rising on a cosine, new parameters on the main cosine to 0.1x). '
        f'Evaluation: LP-100% and FT-10% as in the from-scratch table, FT-100% '
        f'`{osp.basename(FT100)}` (all 367 labelled images); {args.eval_iters or 100} / '
        f'{args.eval_iters or 200} iterations. Pre-training seeds '
        f'{", ".join(map(str, args.pretrain_seeds))}'
        + (', each evaluated with its own seed' if args.paired_seeds else '')
        + '; the upstream model is one run, evaluated with each seed (segment retrieval, '
        'deterministic given the model, has no spread there). Cells: mean ± std over '
        f'the seeds. Benchmark wall time: {wall / 60:.1f} min (machine-dependent).', '',
        '| pre-training | decoder | level | ' + ' | '.join(column(p) for p in cols)
        + ' | pre-train s | final loss |',
        '|---|---|---|' + '---|' * len(cols) + '---|---|']
    for r in results.values():
        pre = r.get('pretrain', {})
        loss = pre.get('final_loss')
        lines.append(f'| {r["label"]} | {"yes" if r["decoder"] else "no"} | {r["level"]} | '
                     + ' | '.join(cell(units(r, p)) for p in cols)
                     + f' | {pre.get("seconds", "–")} | '
                     + ('–' if loss is None else f'{loss:.3f}') + ' |'
                     + (f' failed: {r["error"]}' if 'error' in r else ''))
    lines += ['', 'The upstream model against random init (a difference counts beyond twice the '
              'combined standard error, 2 SE):', '',
              *(upstream_lines(results) or ['- not measured'])]
    lines += ['', 'Gain of each continuation over the upstream model (row minus upstream; * '
              'beyond 2 SE) and its cost (mean pre-training seconds; share of the upstream '
              'model\'s wall time):', '', *gain_lines(results, up_s)]
    ramp = ramp_lines(results)
    lines += ['', 'The loaded parameters\' lr ramp (reports\' schedule) against one lr and '
              'against the encoder at 1/100:', '', *(ramp or ['- not measured'])]
    lines += ['', 'The reports\' claims in both regimes (from random init: the first of the '
              'from-scratch results files that holds every row a claim compares, named in its '
              'cell; a comparison counts beyond 2 SE):', '', *claim_lines(scratch, results)]
    return '\n'.join(lines) + '\n'


# the run's settings the page states, kept in its JSON
RUN_KEYS = ('pretrain_seeds', 'paired_seeds', 'pretrain_iters', 'eval_iters')


def page_record(results: Dict[str, dict], args, wall: float, env: str, upstream: dict,
                scratch: Sequence[Tuple[str, Dict[str, dict]]] = ()) -> dict:
    """The page's JSON: the rows and what else :func:`render` reads (the run's settings, wall time,
    environment line, the upstream model's cost record and the names of the from-scratch results
    files the claims were judged on).

    Args:
        results (dict): row name -> its JSON record.
        args: the run's settings (:data:`RUN_KEYS`).
        wall (float): the benchmark's wall seconds.
        env (str): the environment line.
        upstream (dict): the upstream model's cost record.
        scratch (sequence): the from-random-init results files, (path, rows) pairs. Defaults to
            ().
    """
    run = {k: getattr(args, k, None) for k in RUN_KEYS}
    run.update(wall=wall, env=env, scratch=[osp.basename(path) for path, _ in scratch])
    return dict(run=run, upstream_model=upstream, rows=results)


def render_record(record: dict, scratch_dir: str) -> str:
    """The page again from its JSON (:func:`page_record`), the from-scratch files read from
    ``scratch_dir``.

    Raises:
        FileNotFoundError: a from-scratch file the page was judged on is not in ``scratch_dir``.
    """
    run = record['run']
    paths = [osp.join(scratch_dir, name) for name in run['scratch']]
    missing = [p for p in paths if not osp.isfile(p)]
    if missing:
        raise FileNotFoundError(f'the from-scratch results {missing} the page was judged on are '
                                f'not in {scratch_dir}')
    args = SimpleNamespace(**{k: run[k] for k in RUN_KEYS})
    return render(record['rows'], args, run['wall'], run['env'], record['upstream_model'],
                  load_scratch(paths))
