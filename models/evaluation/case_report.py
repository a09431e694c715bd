"""``reports/case_studies.md``, its JSON and figures: the case studies from the committed checkpoint.

``run_case_studies`` is what ``fashionbot eval case-studies`` calls: it compares the heatmap
designs (``resolution.py``), collects the served evidence maps of the test products
(``case_studies.py``, cached), measures the paper's claims and writes the report.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..digest import file_sha
from ..encoders import BackboneConfig, ImageBackbone, backbone_version
from ..heatmap_head import load_heatmap_head
from ..heatmaps import SERVED, design, served_maps
from ..tree import EITree
from . import case_plots
from .case_studies import (CaseEvidence, category_parts, collect_evidence, evidence_key, pick_examples,
                           sibling_similarity, spatial_claims, value_stats)
from .report import display_path, fmt_number, jsonable, markdown_table
from .resolution import DESIGNS, choose_design, compare_designs, resolution_sample

FIGURES = "case_studies"  # folder of the figures, next to the report
SERVED_DESIGN = SERVED  # the design the engine serves (models/heatmaps.py)


@dataclass
class CaseSettings:
    """Sizes of the case studies (defaults: the committed report)."""

    min_products: int = 15  # a value's maps count when this many test products are labelled with it
    faith: int = 600  # resolution: photos of the faithfulness measures
    shift: int = 150  # resolution: products moved and blanked
    collages: int = 150  # resolution: 2x2 and 1x3 collages each
    design_d_train: int = 8000  # resolution: training products of design d's head
    permutations: int = 10000  # sibling test
    seed: int = 1  # resolution samples and statistics (seed 0 was the pilot that set the design rule)
    batch_size: int = 32
    designs: tuple[str, ...] = tuple(d.key for d in DESIGNS)  # which designs to compare (() skips it)
    test_limit: int | None = None  # a seeded sample of this many test products (None: all of them)
    figures: bool = True  # draw the figures (the numbers do not depend on them)


def run_case_studies(model, tree: EITree, products, image_root: Path, report_dir: Path, cache_dir: Path,
                     checkpoint: Path, head_path: Path, settings: CaseSettings | None = None,
                     transform=None, progress: bool = True, log: Callable[[str], None] = print) -> dict:
    """Measure and write ``report_dir/case_studies.md``, ``case_studies.json`` and the figures under
    ``report_dir/case_studies/``, for the served checkpoint and heatmap head. ``products``: the
    catalogue's records (``models/data.py``); only the test split is read. Returns the results (as
    in the JSON)."""
    settings = settings or CaseSettings()
    needs_head = bool(design(SERVED).head) or "f" in settings.designs
    if needs_head and not Path(head_path).exists():
        raise FileNotFoundError(f"no heatmap head at {head_path}: run `fashionbot train-heatmap`")
    head = load_heatmap_head(head_path, tree) if Path(head_path).exists() else None
    started = time.perf_counter()
    report_dir = Path(report_dir)
    (report_dir / FIGURES).mkdir(parents=True, exist_ok=True)
    test = [p for p in products.split("test") if p.image_path]
    train = [p for p in products.split("train") if p.image_path]
    if settings.test_limit is not None and settings.test_limit < len(test):
        rng = np.random.default_rng(settings.seed)
        test = [test[i] for i in sorted(rng.choice(len(test), settings.test_limit, replace=False))]
    results: dict = {"checkpoint": display_path(checkpoint), "heatmap_head": display_path(head_path),
                     "served": {"key": SERVED, "title": design(SERVED).title},
                     "head_card": {k: head.meta.get(k) for k in ("train_photos", "epochs", "val", "parameters")}
                     if head is not None else {},
                     "test_products": len(test), "catalog_fingerprint": products.fingerprint,
                     "settings": settings.__dict__}

    if settings.designs:
        designs = [d for d in DESIGNS if d.key in settings.designs]
        sample = resolution_sample(tree, test, train, image_root, settings.faith, settings.shift, settings.collages,
                                   settings.design_d_train, settings.seed)
        comparison = compare_designs(model, tree, sample, head, designs, settings.seed, progress, log)
        figure = comparison.pop("figure")
        comparison["choice"] = choose_design(comparison)
        comparison["served"] = SERVED_DESIGN
        if settings.figures:
            case_plots.plot_designs(figure, comparison["designs"], report_dir / FIGURES / "resolution.png")
        results["resolution"] = comparison
        log(f"resolution designs compared ({time.perf_counter() - started:.0f} s): rule picks {comparison['choice']}")

    backbone = ImageBackbone(BackboneConfig()).eval()
    mapper = served_maps(model, head if design(SERVED).head else None)
    key = evidence_key(file_sha(checkpoint), f"{SERVED};{file_sha(head_path) if design(SERVED).head else ''}", test,
                       backbone_version(backbone.config))
    cache = Path(cache_dir) / f"evidence-{key}.npz"
    if transform is None and cache.exists():
        evidence = CaseEvidence.load(cache)
    else:
        evidence = collect_evidence(model, mapper, tree, test, image_root, backbone, settings.batch_size,
                                    transform, progress)
        if transform is None:
            evidence.save(cache)
    log(f"evidence of {len(evidence.ids)} test products ready ({time.perf_counter() - started:.0f} s)")

    stats = value_stats(tree, evidence, settings.min_products)
    results["grid"] = f"{evidence.maps.shape[1]}x{evidence.maps.shape[2]}"
    results["maps"] = len(evidence.maps)
    results["claims"] = spatial_claims(tree, stats, settings.seed)
    results["siblings"] = sibling_similarity(tree, stats, settings.permutations, settings.seed)
    results["parts"] = category_parts(tree, evidence, min_products=settings.min_products, seed=settings.seed)
    results["examples"] = pick_examples(tree, evidence)
    results["values"] = {facet: {"category": e["category"], "mode": e["mode"],
                                 "values": {v: _value_row(s) for v, s in e["values"].items()}}
                         for facet, e in stats.items()}
    results["figures"] = [f"values_{c.replace('.', '_')}.png" for c in dict.fromkeys(e["category"] for e in stats.values())]
    if settings.figures:
        _draw(tree, stats, evidence, results, test, image_root, report_dir / FIGURES)
    results["seconds"] = round(time.perf_counter() - started, 1)
    (report_dir / "case_studies.json").write_text(json.dumps(jsonable(_for_json(results)), indent=1) + "\n")
    (report_dir / "case_studies.md").write_text(render_markdown(results, tree))
    log(f"case studies written to {report_dir / 'case_studies.md'} in {results['seconds']} s")
    return results


def _draw(tree: EITree, stats: dict, evidence: CaseEvidence, results: dict, test, image_root: Path, folder: Path) -> None:
    """The figures of sections 2 to 6."""
    for category, name in zip(dict.fromkeys(e["category"] for e in stats.values()), results["figures"]):
        case_plots.plot_value_grid(tree, stats, evidence, category, folder / name)
    case_plots.plot_claims(results["claims"], tree, folder / "claims.png")
    if results["siblings"]["pairs"]:
        case_plots.plot_siblings(results["siblings"], folder / "siblings.png")
    if results["examples"]:
        photos = {p.id: Path(image_root) / p.image_path for p in test}
        case_plots.plot_examples(tree, results["examples"], evidence, photos.__getitem__, folder / "examples.png")


def _value_row(summary: dict) -> dict:
    """What the report keeps of a value's summary (no per-product arrays)."""
    return {"n": summary["n"], "centroid": [float(c) for c in summary["centroid"]],
            "baseline_centroid": [float(c) for c in summary["baseline_centroid"]],
            "spread": summary["spread"], "baseline_spread": summary["baseline_spread"],
            "shares": summary["shares"], "baseline_shares": summary["baseline_shares"],
            "mean_mass": np.round(summary["mean_mass"], 4).tolist()}


def _for_json(results: dict) -> dict:
    out = dict(results)
    out["siblings"] = {k: v for k, v in results["siblings"].items()}
    return out


# ---------------------------------------------------------------------------- markdown
def _ci(ci) -> str:
    return f"[{fmt_number(ci[0])}, {fmt_number(ci[1])}]"


def _name(tree: EITree, concept: str) -> str:
    return tree.nodes[concept].name


def render_markdown(results: dict, tree: EITree) -> str:
    """The human-readable report."""
    parts = [
        "# Case studies: where the concept heatmaps put each concept",
        f"{results['test_products']} test products, labels hidden from the model (they only choose which products "
        f"count for a concept). Checkpoint `{results['checkpoint']}`, catalogue `{results['catalog_fingerprint']}`. "
        f"Every map is the served heatmap (`GET /items/{{id}}/heatmap`, `models/evidence.py`): "
        + _served_sentence(results) + f" Generated by `fashionbot eval case-studies` in {results['seconds']} s.",
        "**Evidence and mass.** A concept's evidence at a location is its logit there minus the mean of its "
        "exclusive siblings' logits (an independent print tag keeps its own logit): a softmax is unchanged when "
        "every sibling gains the same, so only this contrast says \"this value rather than another\". Its *mass* "
        "is the evidence's excess over its own mean, normalised to 1: the map's mean is the concept's pooled "
        "score, so the mass spreads the above-average part of the score over the locations that carry it, "
        "whatever the logits' scale; the heatmap's opacity is the mass over its maximum. (An earlier run took a "
        "softmax over the locations instead, the odds at each location: the logits span about 20 across a map, "
        "so half the mass sat in one or two of the 48 cells and the heatmaps were dots.) Locations are grid cells over the photo; x runs from 0 (left) to 1 "
        "(right), y from 0 (top) to 1 (bottom); a cell straddling a region's border counts by its area inside.",
        *_md_summary(results, tree),
        *_md_resolution(results),
        *_md_claims(results, tree),
        *_md_values(results, tree),
        *_md_siblings(results, tree),
        *_md_parts(results, tree),
        *_md_examples(results, tree),
        "## What the catalogue cannot test",
        "The paper's sibling example of skirts (pencil against peplum) has no counterpart here: the catalogue "
        "labels no skirt shape. Necklines are labelled on topwear, dresses and nightwear; collars on topwear; "
        "print tags on topwear only.",
    ]
    return "\n\n".join(parts) + "\n"


def _served_sentence(results: dict) -> str:
    served = results["served"]
    text = (f"design {served['title']} in section 1, {results['grid']} (`models/heatmaps.py`), chosen there by a "
            "stated rule.")
    card = results.get("head_card") or {}
    if card:
        val = card.get("val") or {}
        text += (f" Design (f), the heatmap head `{results['heatmap_head']}` (block 10 of the backbone, one hidden "
                 f"layer at every location, {card.get('parameters')} parameters), was distilled from the checkpoint "
                 f"on {card.get('train_photos')} train photos; on {val.get('photos')} val photos its most probable "
                 f"value per exclusive group is the checkpoint's in "
                 f"{fmt_number(val.get('group_argmax_agreement', float('nan')))} of groups.")
    return text


def _md_summary(results: dict, tree: EITree) -> list[str]:
    lines = ["## Summary"]
    for claim in results["claims"]:
        lines.append(f"- *{claim['claim'].capitalize()}*: " + _claim_verdict(claim))
    sib = results["siblings"]
    if sib["n_within"]:
        verdict = "holds" if sib["p_value"] < 0.05 and sib["difference"] > 0 else "not shown"
        lines.append(f"- *Values of one group describe a similar part*: **{verdict}**. Mean correlation of deviation "
                     f"maps {fmt_number(sib['within'])} for {sib['n_within']} sibling pairs against {fmt_number(sib['across'])} "
                     f"for {sib['n_across']} pairs of different groups; permutation p = {fmt_number(sib['p_value'], 4)}.")
    if results["parts"]:
        inside = np.mean([p["inside"] for p in results["parts"]])
        control = np.mean([p["control"] for p in results["parts"]])
        area = np.mean([p["area"] for p in results["parts"]])
        holds = sum(1 for p in results["parts"] if p["ci"][0] > 0)
        lines.append(f"- *A category covers the parts of its attributes*: on average {fmt_number(inside)} of an attribute's "
                     f"mass lies inside its product's category region (area {fmt_number(area)}), against {fmt_number(control)} "
                     f"inside another product's of the same category; the own region holds more in {holds} of "
                     f"{len(results['parts'])} (category, group) pairs.")
    return ["\n".join(lines)]


def _claim_verdict(claim: dict) -> str:
    """A claim's outcome in words: against its products' category maps (the test), per value, and
    against a uniform map."""
    if not claim["n"]:
        return "**not measurable**: no value with enough labelled test products."
    verdict = "holds" if claim["holds"] else ("the opposite holds" if claim["opposite"] else "not shown")
    uniform = "more" if claim["share"] > claim["area"] else "less"
    return (f"**{verdict}** against the same products' category maps: {fmt_number(claim['share'])} of the mass in the "
            f"{claim['region']} against {fmt_number(claim['baseline'])}, difference {claim['difference']:+.3f}, 95% CI "
            f"{_ci(claim['ci'])}, n = {claim['n']} maps; on their own {claim['values_holding']} of "
            f"{len(claim['values'])} values hold and {claim['values_opposite']} show the opposite. That is {uniform} "
            f"than a uniform map puts there ({fmt_number(claim['area'])}).")


def _md_resolution(results: dict) -> list[str]:
    res = results.get("resolution")
    if not res:
        return []
    n = res["n"]
    rows = [[k, v["title"], v["grid"], v["pooled_ap"], v["served_corr"], v["slope_x"], v["slope_y"],
             v["occlusion_x"], v["occlusion_y"], v["quadrant_share"], v["third_share"], f"{v['cost_ms']:.1f}",
             v["spatial_score"], v["merit"]] for k, v in res["designs"].items()]
    choice = res["choice"]
    served = res["served"]
    pilot = (" The seed-0 pilot picked (f), the distilled heatmap head, which the engine served until this larger "
             "run reversed the pick; the two are close in merit, (f) the cheaper and more faithful, the other the "
             "better localised." if choice != "f" else "")
    agree = ("The engine serves it." + pilot if choice == served else
             f"**But the engine serves ({served})**: the served design no longer follows the rule.")
    return [
        "## 1. Resolution: which map the heatmap draws",
        "Candidate designs, each measured on the same seeded test photos. *Faithfulness*: `pooled AP`, the mean AP "
        f"against the labels of the map's mean evidence over {len(res['concepts'])} concepts (seeded pick among "
        f"those with >= 10 labelled positives and negatives in {n['faithfulness']} photos); `served r`, the "
        "correlation across photos of that mean with the served image score of the concept (1: the map explains "
        "what the engine predicts). *Spatial resolution*, for the article type's evidence of "
        f"{n['shift']} products: `slope x/y`, how far the centroid moves when the product moves by 12.5% and 25% of "
        "the photo (1: it follows exactly; 0: it stays); `occl. x/y`, the share of mass that leaves a third of the "
        "photo (column bands for x, row bands for y) when that third is blanked (0: the map does not depend on "
        f"where things are). For the master category's evidence in {n['quadrant_collages']} 2x2 and "
        f"{n['third_collages']} 1x3 collages of products of different master categories: `quadrant`/`third`, "
        "the share of each product's mass in its own cell (chance 0.25 and 0.333; products are shrunk to half and "
        "a third of their usual size, which favours designs that see them larger). `ms`: one photo to its "
        "evidence mass, one thread. `score`: the mean over the six spatial measures of the gain over no "
        "information, relative to the best design's. Design (d)'s head was trained on "
        f"{n['design_d_train']} train products.",
        markdown_table(["", "design", "grid", "pooled AP", "served r", "slope x", "slope y", "occl. x", "occl. y",
                "quadrant", "third", "ms", "score", "merit"], rows),
        "**The rule** (set after a pilot run with seed 0 on 200 photos, then applied to this run, seed "
        f"{results['settings']['seed']}): among designs that cost at most 50 ms per heatmap, the highest `merit`, "
        "the spatial score times the served correlation: a map must both localise and explain what the engine "
        f"predicts. It picks **({choice})**. {agree}",
        "![the same product and collage under each design](case_studies/resolution.png)",
    ]


def _md_claims(results: dict, tree: EITree) -> list[str]:
    out = ["## 2. The paper's spatial claims",
           "Each claim is measured on the maps of the values it names, against the same products' map of their "
           "category (the group's parent: where the model sees \"topwear\"), per product, with a 95% bootstrap CI "
           "of the mean paired difference. A claim holds when that interval lies above 0."]
    for claim in results["claims"]:
        rows = [[f"{_name(tree, tree.nodes[r['value']].parent.rsplit('.', 1)[0])}: {_name(tree, r['value'])}",
                 r["n"], r["share"], r["baseline"], f"{r['difference']:+.3f}", _ci(r["ci"])]
                for r in sorted(claim["values"], key=lambda r: -r["n"])]
        verdict = "holds" if claim["holds"] else ("the opposite holds" if claim["opposite"] else "not shown")
        out += [f"### {claim['claim'].capitalize()}: {verdict}", _claim_verdict(claim),
                markdown_table(["value", "n", "value's map", "category's map", "difference", "95% CI"], rows)]
    out.append("![region shares per value](case_studies/claims.png)")
    return out


def _md_values(results: dict, tree: EITree) -> list[str]:
    out = ["## 3. Mean maps per attribute value",
           f"Every attribute group with at least two values labelled on >= {results['settings']['min_products']} "
           "test products. Centroid (x, y) and spread (root-mean-square distance of a map's mass from its "
           "centroid, mean over maps; a uniform map has 0.408), and the shares in four regions, for the value's "
           "maps and, in brackets, its products' category maps. Figures: the mean photo of the value's products "
           "under the mean mass; x marks the centroid, + the category map's."]
    by_category: dict[str, list[str]] = {}
    for facet, entry in results["values"].items():
        by_category.setdefault(entry["category"], []).append(facet)
    for category, facets in by_category.items():
        rows = []
        for facet in facets:
            for value, row in sorted(results["values"][facet]["values"].items(), key=lambda kv: -kv[1]["n"]):
                cx, cy = row["centroid"]
                bx, by = row["baseline_centroid"]
                rows.append([_name(tree, facet), _name(tree, value), row["n"], f"{cx:.2f}, {cy:.2f} ({bx:.2f}, {by:.2f})",
                             f"{row['spread']:.3f} ({row['baseline_spread']:.3f})",
                             *[f"{row['shares'][r]:.3f} ({row['baseline_shares'][r]:.3f})"
                               for r in ("upper third", "side thirds", "centre", "lower third")]])
        out += [f"### {_name(tree, category)}",
                markdown_table(["group", "value", "n", "centroid x, y", "spread", "upper third", "side thirds", "centre",
                        "lower third"], rows),
                f"![{_name(tree, category)}](case_studies/values_{category.replace('.', '_')}.png)"]
    return out


def _md_siblings(results: dict, tree: EITree) -> list[str]:
    sib = results["siblings"]
    if not sib["n_within"]:
        return ["## 4. Siblings against non-siblings", "Not enough values with maps to compare."]
    pairs = sorted(sib["pairs"], key=lambda p: -p["correlation"])
    named = [p for p in pairs if p["siblings"]]
    examples = named[:3] + named[-3:]
    lines = [f"- {_name(tree, p['a'])} / {_name(tree, p['b'])} ({_name(tree, p['category'])}): "
             f"{p['correlation']:+.2f}" for p in examples]
    low, median, high = sib["null_quantiles"]
    return [
        "## 4. Siblings against non-siblings",
        "Do values of one exclusive group describe a similar part? Each value's *deviation map* is its mean mass "
        "minus the mean mass of its products' category map (what is particular to the value, not the garment's "
        "outline). Within each category (" + ", ".join(_name(tree, c) for c in sib["categories"]) + ") every pair of "
        "values is correlated (Pearson over locations): pairs of the same group (siblings, e.g. two necklines) "
        "against pairs of different groups (a neckline and a sleeve length).",
        f"Siblings {fmt_number(sib['within'])} (n = {sib['n_within']} pairs), different groups {fmt_number(sib['across'])} "
        f"(n = {sib['n_across']} pairs): difference {sib['difference']:+.3f}. Permuting the values' group labels "
        f"within each category ({sib['permutations']} permutations, seeded) gives a null 95% range "
        f"[{low:+.3f}, {high:+.3f}] (median {median:+.3f}); one-sided p = {fmt_number(sib['p_value'], 4)}.",
        "Most and least alike sibling pairs:\n" + "\n".join(lines),
        "![correlations of sibling and non-sibling pairs](case_studies/siblings.png)",
    ]


def _md_parts(results: dict, tree: EITree) -> list[str]:
    if not results["parts"]:
        return []
    rows = [[_name(tree, p["category"]), _name(tree, p["facet"]), p["n"], p["inside"], p["control"], p["area"],
             f"{p['difference']:+.3f}", _ci(p["ci"])] for p in results["parts"]]
    return [
        "## 5. Parts of a category",
        "For products of a category, the *category region* is the fewest locations holding half of the "
        "category map's mass. `inside`: the share of an attribute value's mass inside its own product's region; "
        "`control`: inside the region of another product of the same category (a seeded derangement), which "
        "separates \"covers its own parts\" from \"both sit in the middle of every photo\"; `area`: the region's "
        "size (what a uniform map would put inside).",
        markdown_table(["category", "group", "n", "inside", "control", "area", "inside - control", "95% CI"], rows),
    ]


def _md_examples(results: dict, tree: EITree) -> list[str]:
    if not results["examples"]:
        return []
    rows = [[_name(tree, e["category"]), e["id"], ", ".join(_name(tree, c) for c in e["concepts"]),
             ", ".join(f"{p:.2f}" for p in e["probs"])] for e in results["examples"]]
    return [
        "## 6. Individual products",
        "The rule: in each of the categories below, among the test products labelled with at least two attribute "
        "values, the one whose labelled category and values the model predicts most confidently from the photo "
        "alone (highest mean image-only probability; ties: the lowest id), shown with its category map and the maps "
        "of its two labelled values the model is surest of, drawn as the served heatmap draws them.",
        markdown_table(["category", "product", "maps", "image-only P"], rows),
        "![individual products](case_studies/examples.png)",
    ]


__all__ = ["CaseSettings", "run_case_studies", "render_markdown"]
