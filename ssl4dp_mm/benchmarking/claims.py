"""The reference reports' claims as data, and their checks on a benchmark's rows.

A claim compares rows (or the gains of rows over their baselines) on one protocol. Each comparison
counts only when the difference of the means is beyond twice the combined standard error (over
pre-training seeds where a row has several, else over evaluation seeds); with a single value on a
side it is told by the sign of the difference, and says so. A row's record is the JSON of
:func:`.runner.run_row`.
"""
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

from .camvid_suite import DECODER_LABELS, PROTOCOLS, ROWS, VIT, VIT_SIZES
from .statistics import compare_values, mean, spearman, std, twice_combined_se
from .suite import FROZEN_COLUMNS, column

Check = Tuple[Optional[bool], Optional[bool], str]  # (above, beyond the spread, text)
FROZEN = tuple(FROZEN_COLUMNS)


def units(result: dict, protocol: str) -> List[float]:
    """The values a row's mean ± std is taken over: with several pre-training seeds, one per seed
    (the mean of its evaluation seeds), so the spread includes pre-training; else the evaluation
    seeds of the one pre-training."""
    runs = [one[protocol] for one in result.get('runs', {}).values() if one.get(protocol)]
    if len(runs) > 1:
        return [mean(values) for values in runs]
    return list(result.get(protocol) or [])


def cell(values: Sequence[float]) -> str:
    """A table cell: ``'–'``, the single value or mean ± sample std, two decimals."""
    if not values:
        return '–'
    if len(values) == 1:
        return f'{values[0]:.2f}'
    return f'{mean(values):.2f} ± {std(values):.2f}'


def finding_label(protocol: str) -> str:
    """The column a finding is told under, saying that LP-convex is the converged probe."""
    return column(protocol) + (', the converged probe' if protocol == 'lp-convex' else '')


def judged_text(label_a: str, a: Sequence[float], label_b: str, b: Sequence[float]) -> Check:
    """A comparison of ``a`` with ``b``: (above, beyond, text)."""
    above, beyond, diff, two_se = compare_values(a, b)
    text = f'{label_a} {cell(a)} vs {label_b} {cell(b)}'
    if two_se is not None:
        text += f' ({diff:+.2f}, 2 SE {two_se:.2f})'
    return above, beyond, text


def compare_rows(results: dict, a: str, b: str, protocol: str) -> Check:
    """Row ``a`` against row ``b``: (above, beyond, text); (None, None, '... not measured') when
    either row has no value for ``protocol``."""
    va, vb = units(results.get(a, {}), protocol), units(results.get(b, {}), protocol)
    if not va or not vb:
        return None, None, f'{a} vs {b}: not measured'
    return judged_text(results[a]['label'], va, results[b]['label'], vb)


def gain_check(results: dict, first: tuple, second: tuple, protocol: str) -> Check:
    """Is the gain of ``first`` = (row, its baseline row) above the gain of ``second`` in
    ``protocol``? A gain is the difference of the means; the spread of the difference of two
    gains is twice the combined standard error of the four rows (independent runs). Returns
    (above, beyond the spread or None without one, text); (None, None, '... not measured') when a
    row has no value."""
    rows = [*first, *second]
    values = [units(results.get(n, {}), protocol) for n in rows]
    if not all(values):
        missing = [n for n, v in zip(rows, values) if not v]
        return None, None, f'{" vs ".join(rows)}: not measured ({", ".join(missing)})'
    gain_a = mean(values[0]) - mean(values[1])
    gain_b = mean(values[2]) - mean(values[3])
    diff = gain_a - gain_b
    text = (f'{results[first[0]]["label"]} {gain_a:+.2f} over {results[first[1]]["label"]} vs '
            f'{results[second[0]]["label"]} {gain_b:+.2f} over {results[second[1]]["label"]}')
    if any(len(v) < 2 for v in values):
        return diff > 0, None, text
    two_se = twice_combined_se(*values)
    return diff > 0, abs(diff) > two_se, text + f' ({diff:+.2f}, 2 SE {two_se:.2f})'


def by_sign(above: Sequence[bool]) -> str:
    """A claim over comparisons judged by the signs of their differences alone."""
    return 'holds' if all(above) else 'mixed' if any(above) else 'does not hold'


def verdict(checks: Sequence[Check]) -> str:
    """A claim over its comparisons: 'holds' / 'does not hold' when every difference is beyond
    twice the combined standard error and on one side, 'within the spread' when none is, 'mixed'
    otherwise; without a spread (one seed) by the signs of the means, saying so; 'not measured' if
    no comparison was measured."""
    measured = [c for c in checks if c[0] is not None]
    if not measured:
        return 'not measured'
    judged = [c for c in measured if c[1] is not None]
    # comparisons with one value on a side (one seed, a level mean over one method) are not
    # counted in the verdict; their signs are told beside it
    unjudged = [c[0] for c in measured if c[1] is None]
    if not judged:
        return f'{by_sign(unjudged)} by the means (one seed: no spread to judge by)'
    note = (f'; by the means for the {len(unjudged)} without a spread: {by_sign(unjudged)}'
            if unjudged else '')
    beyond = [c[0] for c in judged if c[1]]
    if not beyond:
        return f'within the spread (no difference beyond twice the combined standard error{note})'
    if len(beyond) == len(judged) and all(beyond):
        return f'holds{f" ({note[2:]})" if note else ""}'
    if len(beyond) == len(judged) and not any(beyond):
        return f'does not hold{f" ({note[2:]})" if note else ""}'
    return (f'mixed ({sum(beyond)} of {len(judged)} comparisons for it and '
            f'{len(beyond) - sum(beyond)} against it beyond the spread{note})')


def in_level_means(name: str) -> bool:
    """Does a row count in the level means? The ResNet methods do; variants and ViT rows not."""
    row = ROWS.get(name)
    return row is None or (row.variant_of is None and name not in VIT)


def level_mean_check(results: dict, protocol: str) -> Optional[Check]:
    """The mean over the contrastive patch-level methods against the image-level ones; the spread
    is the one between methods of a level. None unless both levels have a method."""
    def level_means(level):
        return [mean(units(r, protocol)) for n, r in results.items()
                if r['level'] == level and r['contrastive'] and units(r, protocol)
                and in_level_means(n)]

    patch, image = level_means('patch'), level_means('image')
    if not (patch and image):
        return None
    above, beyond, diff, two_se = compare_values(patch, image)
    return (above, beyond,
            f'mean of {len(patch)} contrastive patch-level methods {mean(patch):.2f} '
            f'vs {len(image)} image-level {mean(image):.2f}'
            + (f' ({diff:+.2f}, 2 SE between methods {two_se:.2f})'
               if two_se is not None else ''))


@dataclass(frozen=True)
class Claim:
    """A claim of the reports, checked on one protocol at a time.

    Args:
        title (str): the claim; ``{column}`` becomes the protocol's column (LP-convex: 'the
            converged probe' beside it) and ``{probe}`` the same in brackets, except for LP-100%
            (the linear probe the title already names).
        pairs (tuple): (row expected above, row below) comparisons. Defaults to ().
        gains (tuple): ((row, its baseline), (row, its baseline)) comparisons of gains: the
            first gain expected above. Defaults to ().
        level_means (bool): one more comparison: the mean of the contrastive patch-level methods
            above the image-level one. Defaults to False.
    """

    title: str
    pairs: Tuple[Tuple[str, str], ...] = ()
    gains: Tuple[Tuple[Tuple[str, str], Tuple[str, str]], ...] = ()
    level_means: bool = False

    def checks(self, results: dict, protocol: str) -> List[Check]:
        """The claim's comparisons on ``protocol``."""
        out = [compare_rows(results, a, b, protocol) for a, b in self.pairs]
        out += [gain_check(results, a, b, protocol) for a, b in self.gains]
        if self.level_means:
            level = level_mean_check(results, protocol)
            out += [level] if level else []
        return out

    def line(self, results: dict, protocol: str) -> str:
        """``- <title>: <verdict> (<comparisons>).``"""
        label = finding_label(protocol)
        title = self.title.format(column=label, probe='' if protocol == 'lp' else f' ({label})')
        checks = self.checks(results, protocol)
        return f'- {title}: {verdict(checks)} ({"; ".join(c[2] for c in checks)}).'


@dataclass(frozen=True)
class Section:
    """Claims checked on protocols, protocol by protocol (each claim in turn).

    Args:
        claims (tuple): the claims.
        protocols (tuple): the protocols, always told (a claim not run says 'not measured').
        if_measured (tuple): protocols told only where a row in ``scope`` has values for them.
            Defaults to ().
        scope (callable): which rows (by name) make ``if_measured`` protocols count. Defaults to
            every row.
    """

    claims: Tuple[Claim, ...]
    protocols: Tuple[str, ...]
    if_measured: Tuple[str, ...] = ()
    scope: Callable[[str], bool] = field(default=lambda name: True)

    def lines(self, results: dict) -> List[str]:
        measured = tuple(p for p in self.if_measured
                         if any(units(r, p) for n, r in results.items() if self.scope(n)))
        return [c.line(results, p) for p in self.protocols + measured for c in self.claims]


def section_lines(sections: Sequence[Section], results: dict) -> List[str]:
    return [line for s in sections for line in s.lines(results)]


DECODER_HELPS = Claim('Pre-training with a decoder helps ({column})',
                      pairs=(('plmoco-dec', 'plmoco'), ('mocodec-dec', 'mocov2')))
PATCH_BEATS_IMAGE = Claim('Patch-level beats image-level in linear probe{probe}',
                          pairs=(('plmoco-dec', 'mocodec-dec'), ('plmoco', 'mocov2'),
                                 ('densecl', 'mocov2')), level_means=True)
NON_CONTRASTIVE_TRAIL = Claim(
    'Non-contrastive methods trail their contrastive counterparts in linear probe{probe}',
    pairs=(('plmoco-dec', 'plsiam-dec'), ('detcons-dec', 'detconb-dec')))
# judged on LP-100% and FT-10%, the linear-probe claims judged again on the converged probe
RESNET_FINDINGS = (
    Section((DECODER_HELPS, ), PROTOCOLS),
    Section((PATCH_BEATS_IMAGE, NON_CONTRASTIVE_TRAIL), ('lp', )),
    Section((DECODER_HELPS, PATCH_BEATS_IMAGE, NON_CONTRASTIVE_TRAIL), (),
            if_measured=('lp-convex', )),
)

# the decoders beside MoCoFCN: FT-10% gain over random init fine-tuned with the same head
# (random-<decoder>; MoCoFCN: random); LP-100% gain over random init's probe on the backbone map,
# the same baseline for every head, so the gains differ as the LP-100% cells do
DECODER_FAMILIES = ('plmoco-dec', 'mocodec-dec')
DECODER_GAIN_FT = Claim('Complex decoders gain less than MoCoFCN in FT-10%', gains=tuple(
    ((f, 'random'), (f'{f}-{d}', f'random-{d}')) for f in DECODER_FAMILIES for d in DECODER_LABELS))
DECODER_GAIN_LP = Claim('Complex decoders gain more than MoCoFCN in LP-100%', pairs=tuple(
    (f'{f}-{d}', f) for f in DECODER_FAMILIES for d in DECODER_LABELS))
DECODER_FINDINGS = (Section((DECODER_GAIN_FT, ), ('ft10', )),
                    Section((DECODER_GAIN_LP, ), ('lp', )))
# the encoder at 1/100 of the lr against the full lr: differences told, no claim to check
ENCODER_LR_PAIRS = (('edmoco-dec', 'mocodec-dec'), ('pledmoco-dec', 'plmoco-dec'))


def _vit_sections() -> Tuple[Section, ...]:
    """Per encoder: PLMoCo and DetCon-S (w/o dec: like for like; and w/dec) against image-level
    MoCo on the same ViT; a decoder in pre-training against none. LP-convex where a ViT row has it.
    Then the non-contrastive methods against their contrastive counterparts (ViT-S/16, the only
    size with their configs)."""
    sections = []

    def vit_scope(name):
        return name in VIT

    for size, (_, size_label) in VIT_SIZES.items():
        def name(method, size=size):
            return f'{method}-vit-{size}'

        beats = tuple(Claim(f'{label} > MoCo on {size_label} ({{column}})',
                            pairs=tuple((name(m), name('mocov2'))
                                        for m in (method, f'{method}-dec')))
                      for method, label in (('plmoco', 'PLMoCo'), ('detcons', 'DetCon-S')))
        decoder = Claim(f'Pre-training with a decoder helps on {size_label} ({{column}})',
                        pairs=tuple((name(f'{m}-dec'), name(m)) for m in ('plmoco', 'detcons')))
        sections += [Section(beats, PROTOCOLS, ('lp-convex', ), vit_scope),
                     Section((decoder, ), PROTOCOLS, ('lp-convex', ), vit_scope)]
    sections.append(Section((Claim(
        'Non-contrastive methods trail their contrastive counterparts on ViT-S/16 ({column})',
        pairs=(('plmoco-dec-vit-s', 'plsiam-dec-vit-s'),
               ('detcons-dec-vit-s', 'detconb-dec-vit-s'))), ), ('lp', )))
    return tuple(sections)


VIT_FINDINGS = _vit_sections()


def findings(results: dict) -> List[str]:
    """The reference reports' claims on the ResNet rows (:data:`RESNET_FINDINGS`)."""
    return section_lines(RESNET_FINDINGS, results)


def vit_findings(results: dict) -> List[str]:
    """The reference reports' claims on the ViT rows, per encoder (:data:`VIT_FINDINGS`)."""
    return section_lines(VIT_FINDINGS, results)


def difference_lines(results: dict, pairs: Sequence[Tuple[str, str]],
                     protocols: Sequence[str] = PROTOCOLS + FROZEN) -> List[str]:
    """Per (row, reference row) of ``pairs`` with both measured, per protocol: the reference's
    cell, the row's, the difference (reference minus row) and whether it is beyond twice their
    combined standard error."""
    lines = []
    for name, method in pairs:
        if name not in results or method not in results:
            continue
        for protocol in protocols:
            a, b = units(results[method], protocol), units(results[name], protocol)
            if not a or not b:
                continue
            _, beyond, diff, two_se = compare_values(a, b)
            if beyond is None:
                judged = 'one seed: no spread to judge by'
            elif beyond:
                judged = f'larger than twice the combined standard error ({two_se:.2f}): a finding'
            else:
                judged = f'within twice the combined standard error ({two_se:.2f}): not a finding'
            lines.append(f'- {column(protocol)}: {results[method]["label"]} {cell(a)} vs '
                         f'{results[name]["label"]} {cell(b)}: {diff:+.2f}, {judged}.')
    return lines


def decoder_findings(results: dict) -> List[str]:
    """The claims on the decoders beside MoCoFCN (:data:`DECODER_FINDINGS`): the complex decoders
    (DeepLabv3+, Non-local, PSPNet-256) gain less from pre-training than MoCoFCN in FT-10% but more
    in LP-100%, for PLMoCo w/dec and MoCo w/dec; then the encoder at 1/100 of the lr (EDMoCo,
    PLEDMoCo) against the full lr."""
    lines = section_lines(DECODER_FINDINGS, results)
    encoder_lr = difference_lines(results, ENCODER_LR_PAIRS)
    if encoder_lr:
        lines += ['- The encoder at 1/100 of the lr, against the full lr (no claim in the report '
                  'to check; differences, full lr minus 1/100):', *[f'  {x}' for x in encoder_lr]]
    return lines


def variant_findings(results: dict) -> List[str]:
    """Each variant against its method (both measured): :func:`difference_lines`."""
    return difference_lines(results, [(n, r.variant_of) for n, r in ROWS.items() if r.variant_of])


def separated_pairs(results: dict, protocol: str) -> Tuple[int, int]:
    """How many pairs of rows (with a spread on ``protocol``) differ beyond twice the combined
    standard error: the power of a protocol to rank methods. Returns (separated, pairs)."""
    rows = [units(r, protocol) for r in results.values() if len(units(r, protocol)) > 1]
    pairs = [(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]]
    return sum(bool(compare_values(a, b)[1]) for a, b in pairs), len(pairs)


def rank_agreement(results: dict) -> List[str]:
    """Do the frozen protocols (and FT-10%) rank the rows as LP-100% does? Spearman over the rows
    with both means; and how many pairs of rows each protocol tells apart beyond its spread."""
    def apart(protocol):
        separated, pairs = separated_pairs(results, protocol)
        return f'{separated} of {pairs} pairs of rows apart beyond 2 SE' if pairs else ''

    lp_power = apart('lp')
    lines = [f'- LP-100%: {lp_power}'] if lp_power else []
    for protocol in ('ft10', ) + FROZEN:
        rows = [r for r in results.values() if units(r, 'lp') and units(r, protocol)]
        rho = spearman([mean(units(r, 'lp')) for r in rows],
                       [mean(units(r, protocol)) for r in rows])
        power = apart(protocol)
        power = f'; {power}' if power else ''
        if rho is None:
            lines.append(f'- {column(protocol)} vs LP-100%: not measured ({len(rows)} rows with '
                         'both)' + power)
        else:
            lines.append(f'- {column(protocol)} vs LP-100%: Spearman {rho:+.2f} over {len(rows)} '
                         'rows' + power)
    return lines
