"""The ``fashionbot`` command line (Typer)."""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table
from rich.tree import Tree as RichTree

from .settings import DEMO_DIR, default_source, get_settings

app = typer.Typer(help="fashionbot: interpretable multimodal fashion search", no_args_is_help=True)
catalog_app = typer.Typer(help="Import and inspect the product catalogue.", no_args_is_help=True)
tree_app = typer.Typer(help="Build and inspect the EI concept tree.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(tree_app, name="tree")
console = Console()


def _progress(items, description: str):
    return track(items, description=description, console=console, transient=False)


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code=1)


# ------------------------------------------------------------------ catalog
@catalog_app.command("import")
def catalog_import(
    source: Path = typer.Option(None, help="Catalogue folder in the Kaggle layout (default: the shared "
                                            "dataset, else the committed demo)"),
    skip_bad_rows: bool = typer.Option(False, help="Skip malformed rows (reported) instead of stopping"),
):
    """Import (or re-sync) a catalogue folder into SQL, in one transaction."""
    from retrieval.catalog.store import get_engine, sync_catalog
    from retrieval.catalog.ingest import Normalizer, SourceError, scan_source

    settings = get_settings()
    source = source or default_source()
    started = time.perf_counter()
    console.print(f"Importing [bold]{source}[/] into {settings.db_url}", soft_wrap=True)
    try:
        scan = scan_source(source, Normalizer.load(settings.normalization_path), skip_bad_rows, _progress)
        report = sync_catalog(get_engine(settings.db_url), scan.records, source, _progress)
    except SourceError as exc:
        _fail(f"{exc}\nNothing was changed: the previous catalogue is intact.")
    labelled = _refresh_labels(settings)
    elapsed = time.perf_counter() - started
    table = Table(title="Import summary", show_header=False)
    table.add_row("rows read", str(scan.rows_read))
    table.add_row("imported", f"{len(scan.records)} ({report.added} added, {report.updated} updated, "
                              f"{report.unchanged} unchanged, {report.removed} removed)")
    reasons = Counter(s.reason for s in scan.skipped)
    table.add_row("skipped", f"{len(scan.skipped)}" + "".join(f"\n  {r}: {n}" for r, n in reasons.items()))
    table.add_row("split", ", ".join(f"{k} {v}" for k, v in sorted(report.splits.items())))
    table.add_row("fingerprint", report.fingerprint)
    table.add_row("concept labels", labelled)
    table.add_row("time", f"{elapsed:.1f} s")
    console.print(table)
    for skip in scan.skipped[:20]:
        console.print(f"  skipped {skip.id}: {skip.reason} ({skip.detail})")
    if len(scan.skipped) > 20:
        console.print(f"  ... and {len(scan.skipped) - 20} more")


def _refresh_labels(settings) -> str:
    """Recompute the products' concept labels from the committed tree, if there is one."""
    from retrieval.catalog.store import Catalog
    from models.tree import EITree, TreeError

    if not settings.tree_path.exists():
        return "no tree yet (run `fashionbot tree build`)"
    try:
        tree = EITree.load(settings.tree_path)
    except TreeError as exc:
        return f"tree invalid, labels not written: {exc}"
    catalog = Catalog(settings.db_url)
    products = catalog.products()
    catalog.set_concept_labels({p.id: sorted(tree.labels(p)) for p in products})
    return f"{len(products)} products labelled from {settings.tree_path.name}"


@catalog_app.command("make-demo")
def catalog_make_demo(
    source: Path = typer.Option(None, help="Full catalogue folder (default: the shared dataset)"),
    out: Path = typer.Option(DEMO_DIR, help="Where to write the demo catalogue"),
    max_products: int = typer.Option(3000, help="At most this many products"),
):
    """Write the stratified demo catalogue (committed in data/demo/)."""
    from retrieval.catalog.demo import make_demo

    source = source or default_source()
    if source.resolve() == out.resolve():
        _fail("the source and the output are the same folder")
    summary = make_demo(source, out, max_products)
    console.print(f"Wrote {summary['products']} products ({summary['bytes'] / 1e6:.1f} MB), "
                  f"{len(summary['masterCategories'])} masterCategories, {summary['articleTypes']} article "
                  f"types to {out}")


@catalog_app.command("stats")
def catalog_stats():
    """Counts of the imported catalogue."""
    from retrieval.catalog.store import Catalog

    catalog = Catalog(get_settings().db_url)
    products = catalog.products()
    console.print(f"{len(products)} products from {catalog.source}, fingerprint {catalog.fingerprint}")
    for field in ("split", "master_category", "gender"):
        console.print(f"{field}: {dict(Counter(getattr(p, field) for p in products).most_common())}")


# ------------------------------------------------------------------ complements
complements_app = typer.Typer(help="Mine the catalogue's styling advice into the complementarity table.",
                              no_args_is_help=True)
app.add_typer(complements_app, name="complements")


@complements_app.command("mine")
def complements_mine(
    source: Path = typer.Option(None, help="Catalogue folder in the Kaggle layout (default: the shared dataset)"),
    out: Path = typer.Option(None, help="Where the table goes (default: data/complements.yaml)"),
    min_count: int = typer.Option(3, min=1, help="Leave out pairings named by fewer products"),
):
    """Count which article types and colours the descriptions' styling advice pairs (no features needed)."""
    from .catalog.complements import StylingWords, mine, write

    settings = get_settings()
    source, out = source or default_source(), out or settings.complements_path
    started = time.perf_counter()
    table = mine(source, StylingWords.load(settings.styling_path), min_count)
    write(table, out)
    meta = table["meta"]
    console.print(f"{meta['with_advice']:,} of {meta['products']:,} products give styling advice; "
                  f"{len(table['types'])} article types paired -> {out} ({time.perf_counter() - started:.0f} s)")


# ------------------------------------------------------------------ tree
def _load_tree():
    from models.tree import EITree, TreeError

    path = get_settings().tree_path
    if not path.exists():
        _fail(f"{path} not found: run `fashionbot tree build` first")
    try:
        return EITree.load(path)
    except TreeError as exc:
        _fail(str(exc))


@tree_app.command("build")
def tree_build():
    """Generate data/ei_tree.yaml from the imported catalogue and label every product."""
    from retrieval.catalog.store import Catalog
    from retrieval.catalog.ingest import Normalizer
    from retrieval.catalog.tree_build import TreeBuilder

    settings = get_settings()
    catalog = Catalog(settings.db_url)
    products = catalog.products()
    if not products:
        _fail("the catalogue is empty: run `fashionbot catalog import` first")
    builder = TreeBuilder(products, Normalizer.load(settings.normalization_path))
    tree = builder.build(catalog.fingerprint)
    problems = tree.problems(products)
    if problems:
        _fail("the generated tree is invalid:\n- " + "\n- ".join(problems[:30]))
    tree.save(settings.tree_path)
    catalog.set_concept_labels({p.id: sorted(tree.labels(p)) for p in products})
    dropped = tree.meta["dropped_low_support"]
    console.print(f"Wrote {settings.tree_path}: {len(tree) - 1} concepts; dropped for support < "
                  f"{tree.meta['min_support']}: {sum(dropped.values())} ({dropped}); folded "
                  f"{len(tree.meta['folded_single_child_levels'])} single-child levels; "
                  f"{len(tree.meta['synonym_conflicts_skipped'])} synonym conflicts skipped")


@tree_app.command("show")
def tree_show(depth: int = typer.Option(3, help="Levels to print below the start"),
              under: Optional[str] = typer.Option(None, help="Start at this concept (id or synonym)")):
    """Print the tree with E/I markers and support counts."""
    tree = _load_tree()
    try:
        start = tree.resolve_id(under) if under else tree.root.id
    except KeyError as exc:
        _fail(str(exc.args[0]))

    def label(nid: str) -> str:
        node = tree[nid]
        mark = {"E": "[cyan]E[/]", "I": "[magenta]I[/]"}.get(node.mode or "", "")
        kind = {"facet": "[dim]facet[/] ", "value": ""}.get(node.kind, "")
        return f"{kind}[bold]{node.name}[/] {mark} [dim]({node.support}) {node.id}[/]"

    def add(branch, nid: str, level: int):
        if level >= depth:
            if tree[nid].children:
                branch.add(f"[dim]... {len(tree[nid].children)} children[/]")
            return
        for child in tree[nid].children:
            add(branch.add(label(child)), child, level + 1)

    root = RichTree(label(start))
    add(root, start, 0)
    console.print(root)
    console.print("[dim]E: children exclusive (softmax); I: independent (sigmoid each); (n): labelled products[/]")


@tree_app.command("stats")
def tree_stats():
    """Concept counts by level and group, and label coverage of the catalogue."""
    from retrieval.catalog.store import Catalog

    tree = _load_tree()
    concepts = [n for n in tree.nodes.values() if n.kind in ("category", "value")]
    table = Table(title=f"EI tree: {len(concepts)} concepts ({len(tree)} nodes with root and facets)")
    for col in ("group", "kind", "concepts", "levels", "softmax/sigmoid", "coverage"):
        table.add_column(col)
    labels = Catalog(get_settings().db_url).concept_labels()
    n_products = max(len(labels), 1)
    groups = Counter(n.group for n in concepts)
    independent = {tree.order[i] for i in tree.independent_nodes}
    for group, count in sorted(groups.items(), key=lambda kv: -kv[1]):
        ids = {n.id for n in concepts if n.group == group}
        levels = sorted({n.level for n in concepts if n.group == group})
        covered = sum(1 for ls in labels.values() if ids & ls)
        mode = "sigmoid" if ids <= independent else "softmax"
        kind = next(n.kind for n in concepts if n.group == group)
        table.add_row(group, kind, str(count), ",".join(map(str, levels)), mode,
                      f"{covered / n_products:.1%}" if labels else "-")
    console.print(table)
    console.print(f"exclusive groups: {len(tree.exclusive_groups)}, independent nodes: "
                  f"{len(tree.independent_nodes)}, products labelled: {len(labels)}")


# ------------------------------------------------------------------ index, search, serve
index_app = typer.Typer(help="Build and update the search index.", no_args_is_help=True)
app.add_typer(index_app, name="index")


def _engine():
    from retrieval.serving.engine import Engine

    return Engine()


@index_app.command("build")
def index_build(split: Optional[str] = typer.Option(None, help="Index one split only (train, val, test)"),
                hide_labels: bool = typer.Option(False, help="Ignore catalogue labels (paper-style evaluation)"),
                backend: Optional[str] = typer.Option(None, help="auto (flat up to 100k products, else hnsw), flat, sq8, "
                                                      "ivf, hnsw, milvus (Milvus Lite in the build, or "
                                                      "FASHIONBOT_MILVUS_URI's server); default FASHIONBOT_INDEX_BACKEND "
                                                      "(auto)")):
    """Embed the catalogue with the checkpoint and swap in a new index atomically."""
    from .errors import EngineError

    started = time.perf_counter()
    try:
        engine = _engine()
        folder = engine.build_index(split=split, hide_labels=hide_labels,
                                    backend=backend or engine.settings.index_backend)
    except (EngineError, ValueError) as exc:
        _fail(f"{exc}\nThe previous index (if any) is still served.")
    console.print(f"Index built in {time.perf_counter() - started:.1f} s: {folder}", soft_wrap=True)


@index_app.command("update")
def index_update():
    """Add new catalogue products to the index and remove deleted ones, without a full rebuild."""
    try:
        summary = _engine().update_index()
    except FileNotFoundError as exc:
        _fail(str(exc))
    console.print(f"Index updated: {summary}")


@app.command("search")
def search_cmd(text: Optional[str] = typer.Option(None, help="Free text"),
               like: Optional[int] = typer.Option(None, help="Reference product id"),
               include: list[str] = typer.Option([], help="Concept to include (id or name); repeatable"),
               exclude: list[str] = typer.Option([], help="Concept to exclude (id or name); repeatable"),
               k: int = typer.Option(10, min=1, max=100), offset: int = typer.Option(0, min=0),
               as_json: bool = typer.Option(False, "--json", help="Print the raw result as JSON")):
    """Search from the command line (mirrors POST /search)."""
    import json

    from .errors import EngineError
    from retrieval.ranking.indexing import IndexMismatch
    from retrieval.query.state import UnknownConcept

    engine = _engine()
    try:
        result = engine.search(text=text, like=like, include=include, exclude=exclude, k=k, offset=offset)
    except UnknownConcept as exc:
        _fail(str(exc.args[0]))
    except (EngineError, IndexMismatch, FileNotFoundError) as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    names = {p.id: p.name for p in engine.catalog.products(ids=[h.id for h in result.hits])}
    table = Table(title=f"{result.total} products meet every request")
    for col in ("#", "id", "name", "score", "matched", "missed"):
        table.add_column(col)
    for rank, hit in enumerate(result.hits, start=offset + 1):
        table.add_row(str(rank), str(hit.id), names.get(hit.id, ""), f"{hit.score:.2f}",
                      ", ".join(f"✓ {m['name']} {m['prob']:.2f}" for m in hit.matched),
                      ", ".join(f"✗ {m['name']} {m['prob']:.2f}" for m in hit.missed))
    console.print(table)
    for block in result.blocking:
        console.print(f"no product has all of these; without {block['name']!r}: {block['results_without_it']} results")


# ------------------------------------------------------------------ model
def _training_inputs():
    """The engine, the catalogue as plain records and its cached backbone features (extracted on
    first use), and the seconds that took."""
    from retrieval.serving.engine import Engine
    from retrieval.evaluation.training import training_inputs

    engine = Engine()
    if not engine.catalog.count():
        _fail("the catalogue is empty: run `fashionbot catalog import` first")
    started = time.perf_counter()
    products, features = training_inputs(engine)
    return engine, products, features, time.perf_counter() - started


@app.command("train")
def train_cmd(variant: str = typer.Option("eitree", help="Config variant (models/variants/<name>.json)"),
              epochs: Optional[int] = typer.Option(None, help="Override the variant's epoch limit"),
              device: str = typer.Option(None, help="auto, cpu or cuda (default: FASHIONBOT_DEVICE, else auto)"),
              out: Path = typer.Option(None, help="Checkpoint folder (default models/checkpoints)")):
    """Train the model heads on cached backbone features (extracted first when missing); a variant
    with `finetune_blocks` also fine-tunes the backbone's upper blocks (`<name>.backbone.pth`)."""
    from models.config import load_config
    from models.factory import CHECKPOINT_DIR
    from models.train import train

    started = time.perf_counter()
    engine, products, features, extract_seconds = _training_inputs()
    console.print(f"Backbone features ready in {extract_seconds:.1f} s ({len(features)} products)")
    config = load_config(variant)
    config = config.with_overrides(device=engine.device if device is None else device,
                                   **({"epochs": epochs} if epochs else {}))
    bank, extra = None, {"feature_extraction_seconds": round(extract_seconds, 1)}
    if set(config.train.positive_texts) != {"text"}:  # names and label phrases, encoded once and cached
        from models.features import text_bank
        from models.train import bank_texts

        encode_start = time.perf_counter()
        texts = bank_texts(products, config.train.positive_texts)
        bank = text_bank(texts, engine.settings.var_dir / "features")
        extra["positive_text_seconds"] = round(time.perf_counter() - encode_start, 1)
        console.print(f"{len(texts):,} short positive texts ready in {extra['positive_text_seconds']} s")
    blocks = None
    if config.train.finetune_blocks:  # the backbone's upper blocks train too, on cached activations below them
        from models.backbone_top import input_block
        from retrieval.evaluation.training import block_maps

        cache_start = time.perf_counter()
        blocks = block_maps(engine, products, input_block(config.train.finetune_blocks))
        extra["block_cache_seconds"] = round(time.perf_counter() - cache_start, 1)
        console.print(f"Block {blocks.block} maps ready in {extra['block_cache_seconds']} s")
    result = train(config, products, engine.tree, features, out or CHECKPOINT_DIR,
                   log=console.print, extra_meta=extra, bank=bank, blocks=blocks)
    console.print(f"Total time, feature extraction included: {time.perf_counter() - started:.1f} s; "
                  f"checkpoint {result.checkpoint}, model card {result.card}", soft_wrap=True)


@app.command("cache-blocks")
def cache_blocks(block: int = typer.Option(10, help="Backbone block whose output is cached (10: 112 channels at 1/16)"),
                 threads: int = typer.Option(1, help="Torch threads of the pass (a decoding worker runs beside them)")):
    """Cache one backbone block's activations for every product, once: what fine-tuning the
    blocks above it reads (`fashionbot eval ablation --variants finetune`)."""
    from retrieval.evaluation.training import block_maps

    engine, products, _, _ = _training_inputs()
    started = time.perf_counter()
    cached = block_maps(engine, products, block, num_threads=threads)
    console.print(f"Block {block} maps {tuple(cached.maps.shape)} ready in {time.perf_counter() - started:.1f} s "
                  f"({engine.settings.var_dir / 'features' / 'blocks' / cached.key})")


@app.command("train-heatmap")
def train_heatmap_cmd(limit: Optional[int] = typer.Option(None, help="Train on a seeded sample of this many train photos"),
                      epochs: int = typer.Option(20, help="Training epochs"),
                      out: Path = typer.Option(None, help="Where the head goes (default: next to the served checkpoint)")):
    """Train the heatmap head (a small concept head on block 10 of the backbone, 8x6) by distillation
    from the served checkpoint on the train split's photos; writes heatmap_head.pt and its card."""
    from models.heatmap_head import HEAD_FILE
    from models.train_heatmap import train_heatmap_head

    from retrieval.serving.engine import Engine
    from retrieval.evaluation.training import labelled_products

    engine = Engine()
    if not engine.catalog.count():
        _fail("the catalogue is empty: run `fashionbot catalog import` first")
    products = labelled_products(engine.catalog.products(), engine.tree, engine.catalog.fingerprint)
    train_heatmap_head(engine.model, engine.tree, products, engine.catalog.source,
                       out or engine.settings.checkpoint.with_name(HEAD_FILE), epochs=epochs, limit=limit,
                       checkpoint_sha=engine.checkpoint_sha, log=console.print)


eval_app = typer.Typer(invoke_without_command=True)
app.add_typer(eval_app, name="eval")


@eval_app.callback()
def eval_cmd(ctx: typer.Context,
             checkpoint: Path = typer.Option(None, help="Checkpoint (default: the served one)"),
             reports: Path = typer.Option(Path("reports"), help="Where eval.md, eval.json and plots go"),
             baseline_dir: Path = typer.Option(None, help="Where the baselines are cached (default var/checkpoints/baselines)"),
             retrain_baselines: bool = typer.Option(False, help="Retrain the baselines even when current")):
    """Evaluate the checkpoint against the baselines on the test split (labels hidden); attribute
    manipulation is ranked by the engine's served ranking. `fashionbot eval case-studies` measures
    the concept heatmaps instead."""
    if ctx.invoked_subcommand is not None:
        return
    from retrieval.evaluation.evaluate import evaluate

    engine, products, features, _ = _training_inputs()
    evaluate(checkpoint or engine.settings.checkpoint, products, engine.tree, features,
             baseline_dir or engine.settings.var_dir / "checkpoints" / "baselines", reports,
             search_config=engine.search_config, retrain_baselines=retrain_baselines, log=console.print)
    console.print(f"Wrote {reports / 'eval.md'}")


@eval_app.command("case-studies")
def eval_case_studies(reports: Path = typer.Option(Path("reports"), help="Where case_studies.md, its JSON and figures go"),
                      cache: Path = typer.Option(None, help="Where the collected maps are cached (default var/case_studies)"),
                      skip_resolution: bool = typer.Option(False, help="Skip the comparison of heatmap designs")):
    """The paper's case studies on the test split, labels hidden: where the served concept heatmaps put
    each concept (reports/case_studies.md and its figures)."""
    from retrieval.serving.engine import Engine
    from retrieval.evaluation.evaluate import case_studies

    engine = Engine()
    if not engine.catalog.count():
        _fail("the catalogue is empty: run `fashionbot catalog import` first")
    case_studies(engine, reports, cache_dir=cache, skip_resolution=skip_resolution, log=console.print)
    console.print(f"Wrote {reports / 'case_studies.md'}")


@eval_app.command("photo")
def eval_photo(reports: Path = typer.Option(Path("reports"), help="Where photo_search.json goes (and its eval.md section)"),
               limit: Optional[int] = typer.Option(None, help="A seeded sample of this many test photos (default: all)"),
               k: int = typer.Option(5, min=1, max=50, help="Results compared per photo")):
    """Photo search through the served ranking: type and type+colour precision@k of the test split's
    photos as queries over the served index (reports/eval.md, section 5)."""
    from retrieval.serving.engine import Engine
    from retrieval.evaluation.photo import PHOTO_FILE, photo_search
    from retrieval.evaluation.sections import write_section

    engine = Engine()
    result = photo_search(engine, k=k, limit=limit, progress=lambda xs: _progress(xs, "photos"), log=console.print)
    console.print(f"Wrote {write_section(reports, PHOTO_FILE, result)}")


@eval_app.command("kagl")
def eval_kagl(reports: Path = typer.Option(Path("reports"), help="Where kagl.json goes (and its eval.md section)"),
              limit: Optional[int] = typer.Option(None, help="Only the first this many queries (default: all)")):
    """KAGL text-to-image (the Marqo leaderboard's ground truth) over the served index: R@1/10 of the
    joint space alone and as served, beside the leaderboard (reports/eval.md, section 6)."""
    from retrieval.serving.engine import Engine
    from retrieval.evaluation.kagl import KAGL_REPORT, kagl
    from retrieval.evaluation.sections import write_section

    engine = Engine()
    result = kagl(engine, limit=limit, progress=lambda xs: _progress(xs, "queries"), log=console.print)
    console.print(f"Wrote {write_section(reports, KAGL_REPORT, result)}")


@eval_app.command("ablation")
def eval_ablation(variants: str = typer.Option("", help="Comma-separated variant names (default: those of retrieval/evaluation/ablation.py "
                                                       "that keep the backbone frozen; `finetune` also fine-tunes its upper blocks)"),
                  epochs: Optional[int] = typer.Option(None, help="Override the epoch limit of every variant"),
                  combine: str = typer.Option("", help='Extra variants as JSON: {"name": {"train": {...}, "model": {...}}}'),
                  reports: Path = typer.Option(Path("reports"), help="Where ablation.json goes"),
                  out: Path = typer.Option(None, help="Where the variants' checkpoints go (default var/checkpoints/ablation)"),
                  threads: int = typer.Option(0, help="Torch threads of training (default: every core)")):
    """Train issue 20's cheap levers one by one on the cached features and measure each without an
    index: validation, concept accuracy from the photo, KAGL R@10 of the joint space alone."""
    import json as _json

    from retrieval.evaluation.ablation import ablate
    from retrieval.evaluation.training import block_maps

    engine, products, features, _ = _training_inputs()
    extra = _json.loads(combine) if combine else {}
    names = [n for n in variants.split(",") if n] or None
    ablate(products, engine.tree, features, engine.settings.var_dir / "features", out or engine.settings.var_dir /
           "checkpoints" / "ablation", reports, names=names, epochs=epochs, extra=extra, log=console.print,
           blocks=lambda block: block_maps(engine, products, block), threads=threads)
    console.print(f"Wrote {reports / 'ablation.json'}")


@app.command("eval-engine")
def eval_engine(reports: Path = typer.Option(Path("reports"), help="Folder holding amr_queries.json (from `fashionbot eval`)"),
                index_dir: Path = typer.Option(None, help="Where to build the test-split index (default var/index-eval)")):
    """Replay the saved attribute-manipulation queries through the engine (Engine.search, over an
    index of the test split with labels hidden) and check the numbers equal the engine ranking
    scored offline, over the whole gallery, and those of eval.json (when there is one)."""
    import dataclasses
    import json

    from retrieval.evaluation.amr import QUERIES_FILE, amr_scores, load_queries, ranks_from_scores, run_through_engine, topk_accuracy
    from retrieval.serving.engine import Engine
    from retrieval.evaluation.evaluate import reported_amr

    queries_file = reports / QUERIES_FILE
    if not queries_file.exists():
        _fail(f"{queries_file} not found: run `fashionbot eval` first")
    settings = get_settings()
    settings = dataclasses.replace(settings, index_dir=index_dir or settings.var_dir / "index-eval")
    engine = Engine(settings)
    engine.build_index(split="test", hide_labels=True)
    queries = load_queries(queries_file)
    offline = topk_accuracy(ranks_from_scores(engine.ranker, amr_scores(engine.ranker, queries), queries),
                            [len(q["changes"]) for q in queries])
    through = run_through_engine(engine, queries)
    table = Table(title="Attribute manipulation through the engine (test split, labels hidden)")
    for col in ("changes", "queries", "top10", "top30", "top50", "offline top10/30/50"):
        table.add_column(col)
    same = through == offline
    for n, row in through.items():
        table.add_row(n, str(row["queries"]), *(f"{row[f'top{k}']:.3f}" for k in (10, 30, 50)),
                      " / ".join(f"{offline[n][f'top{k}']:.3f}" for k in (10, 30, 50)))
    console.print(table)
    record = {"through_engine": through, "offline": offline, "identical": same}
    reported = reported_amr(reports)
    if reported is not None:
        record["same_as_eval_json"] = reported == through
        console.print("the same as eval.json" if record["same_as_eval_json"]
                      else "[yellow]not the numbers of eval.json (another catalogue, checkpoint or features?)[/]")
    (reports / "amr_engine.json").write_text(json.dumps(record, indent=2) + "\n")
    console.print("identical to the offline scoring" if same else "[red]differs from the offline scoring[/]")
    if not same:
        raise typer.Exit(code=1)


def _source_signature(source: Path, normalization: Path | None = None) -> str:
    """Cheap identity of a catalogue folder (paths, sizes and mtimes of its files) and of the
    curation its import maps values through (an edit of data/normalization.yaml re-imports)."""
    import hashlib

    parts = [str(source.resolve())]
    if normalization is not None and normalization.exists():
        parts.append(hashlib.sha1(normalization.read_bytes()).hexdigest())
    for name in ("styles.csv", "styles.jsonl.gz", "styles", "images"):
        path = source / name
        if path.exists():
            stat = path.stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


@app.command("prepare")
def prepare(source: Path = typer.Option(None, help="Catalogue folder (default: shared dataset, else demo)")):
    """Get everything `make run` serves up to date: import the catalogue when its folder changed,
    then build the index when it is missing or stale (first run: backbone features are extracted).
    What each step spent goes to $FASHIONBOT_VAR/timings/prepare.json (bench/cold_start.py)."""
    from retrieval.catalog.store import Catalog
    from retrieval.serving.engine import Engine
    from .errors import EngineError
    from retrieval.ranking.indexing import IndexMismatch

    settings = get_settings()
    source = source or default_source()
    if not source.is_dir():
        _fail(f"catalogue folder {source} not found")
    timings: dict = {"source": str(source), "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    catalog = Catalog(settings.db_url)
    signature = _source_signature(source, settings.normalization_path)
    started = time.perf_counter()
    if catalog.meta("source_signature") != signature or not catalog.count():
        catalog_import(source=source, skip_bad_rows=False)
        catalog.set_meta("source_signature", signature)
        timings["import_s"] = round(time.perf_counter() - started, 1)
    else:
        console.print(f"Catalogue up to date: {catalog.count()} products from {source}")
    engine = Engine(settings)
    try:
        engine.load_index()
        console.print(f"Index up to date: {len(engine.ranker.vectors.ids)} products")
    except (FileNotFoundError, IndexMismatch) as exc:
        console.print(f"Building the index ({exc})", soft_wrap=True)
        started = time.perf_counter()
        try:
            folder = engine.build_index(split=None, hide_labels=False, backend=settings.index_backend)
        except EngineError as err:
            _fail(f"{err}\nThe previous index (if any) is still served.")
        console.print(f"Index built in {time.perf_counter() - started:.1f} s: {folder}", soft_wrap=True)
        timings["index"] = {**engine.last_build, **_extraction(settings, engine.last_build.get("features_key"))}
    _record(settings, "prepare", timings)


def _extraction(settings, key: str | None) -> dict:
    """How long the backbones took when these features were extracted (their meta.json)."""
    import json

    meta = settings.var_dir / "features" / str(key) / "meta.json"
    if not key or not meta.exists():
        return {}
    data = json.loads(meta.read_text())
    return {"extracted_at": data.get("created"), "image_features_s": data["seconds"]["images"],
            "text_features_s": data["seconds"]["texts"], "device": data.get("device")}


def _record(settings, step: str, timings: dict) -> None:
    """Keep what a step spent for the cold-start report; a run that did less (the catalogue
    already imported, the index current) keeps the earlier measures of what it skipped."""
    import json

    folder = settings.var_dir / "timings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{step}.json"
    earlier = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**earlier, **timings}, indent=2) + "\n")


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)):
    """Run the engine's HTTP API."""
    import uvicorn

    uvicorn.run("retrieval.serving.api:app_from_env", factory=True, host=host, port=port, log_level="info")


from retrieval.query.bot_vocab import app as bot_app  # noqa: E402  (the chatbot's vocabulary: `fashionbot bot vocab`)

app.add_typer(bot_app, name="bot")

if __name__ == "__main__":
    app()
