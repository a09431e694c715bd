"""``fashionbot eval case-studies`` on the demo catalogue: the report's structure, and numbers that
follow the data (a planted shift of the photos moves the maps; another sample of products gives
other numbers)."""
from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

from models.evaluation.case_report import CaseSettings
from models.evaluation.resolution import translate
from retrieval.evaluation.evaluate import case_studies

# a small sample, to stay fast: every section is computed, on fewer products
SMALL = CaseSettings(min_products=4, faith=24, shift=6, collages=6, design_d_train=40, permutations=300,
                     batch_size=16, designs=("a", "b16", "f"), test_limit=150)
NUMBERS_ONLY = dataclasses.replace(SMALL, designs=(), figures=False)


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def engine(demo_settings):
    from retrieval.serving.engine import Engine

    return Engine(demo_settings)


@pytest.fixture(scope="module")
def report(engine, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    return folder, case_studies(engine, folder, settings=SMALL, progress=False, log=quiet)


def category_centroids_x(results: dict) -> np.ndarray:
    """Per attribute value, the mean x centroid of its products' category maps."""
    return np.asarray([row["baseline_centroid"][0] for facet in results["values"].values()
                       for row in facet["values"].values()])


def test_report_has_every_section_and_its_figures(report):
    folder, results = report
    text = (folder / "case_studies.md").read_text()
    for heading in ("## Summary", "## 1. Resolution", "## 2. The paper's spatial claims", "## 3. Mean maps per attribute",
                    "## 4. Siblings against non-siblings", "## 5. Parts of a category", "## 6. Individual products"):
        assert heading in text, heading
    figures = re.findall(r"\]\((case_studies/[^)]+\.png)\)", text)
    assert "case_studies/resolution.png" in figures and "case_studies/examples.png" in figures
    for figure in figures:
        assert (folder / figure).stat().st_size > 1000, figure
    saved = json.loads((folder / "case_studies.json").read_text())
    assert saved["test_products"] == 150 and set(saved["resolution"]["designs"]) == {"a", "b16", "f"}
    assert saved["resolution"]["choice"] in saved["resolution"]["designs"]


def test_numbers_are_computed_from_the_maps(report):
    _, results = report
    assert results["grid"] == "8x6"  # the served design's grid
    assert [c["region"] for c in results["claims"]] == ["upper third", "side thirds", "centre"]
    for claim in results["claims"]:
        if claim["n"]:
            assert 0 < claim["share"] < 1 and 0 < claim["baseline"] < 1
            assert claim["ci"][0] <= claim["difference"] <= claim["ci"][1]
    shares = [row["shares"]["upper third"] for facet in results["values"].values() for row in facet["values"].values()]
    assert len(shares) >= 4 and np.std(shares) > 1e-3  # values differ from each other
    sib = results["siblings"]
    assert sib["n_within"] > 0 and sib["n_across"] > 0 and 0 < sib["p_value"] <= 1
    assert results["parts"] and all(0 <= p["inside"] <= 1 and 0 < p["area"] < 1 for p in results["parts"])
    assert 1 <= len(results["examples"]) <= 8 and all(len(e["concepts"]) == 3 for e in results["examples"])
    designs = results["resolution"]["designs"]
    assert designs["a"]["grid"] == "4x3" and designs["b16"]["grid"] == "8x6" and designs["a"]["served_corr"] == 1.0
    assert designs["f"]["slope_x"] != designs["a"]["slope_x"]


def test_a_planted_shift_moves_the_maps(engine, report, tmp_path):
    _, plain = report
    moved = case_studies(engine, tmp_path, settings=NUMBERS_ONLY, transform=lambda images: translate(images, images.shape[-1] // 4, 0),
                         progress=False, log=quiet)
    shift = category_centroids_x(moved) - category_centroids_x(plain)
    assert shift.mean() > 0.05  # the products moved right by a quarter of the photo; so did their maps


def test_another_sample_gives_other_numbers(engine, report, tmp_path):
    _, first = report
    other = case_studies(engine, tmp_path, settings=dataclasses.replace(NUMBERS_ONLY, seed=7), progress=False,
                         log=quiet)
    assert other["test_products"] == first["test_products"]
    assert [c["share"] for c in other["claims"]] != [c["share"] for c in first["claims"]]


def test_the_engine_draws_the_maps_the_report_measures(engine):
    """``GET /items/{id}/heatmap`` and the report share one design (``models/heatmaps.py``)."""
    from models.encoders import ImageBackbone
    from models.evaluation.case_studies import collect_evidence
    from models.heatmaps import SERVED, served_maps
    from retrieval.evaluation.training import labelled_products

    products = [p for p in labelled_products(engine.catalog.products(), engine.tree, engine.catalog.fingerprint)
                .split("test") if p.image_path][:3]
    measured = collect_evidence(engine.model, served_maps(engine.model, engine.heatmap_head), engine.tree, products,
                                engine.catalog.source, ImageBackbone().eval(), progress=False)
    assert engine.heatmap_maps.design.key == SERVED
    for row, dim, expected in list(zip(measured.rows, measured.dims, measured.maps))[:6]:
        photo = engine.catalog.image_file(engine.catalog.get(int(measured.ids[row])))
        served = engine.heatmap_maps(engine.heatmap_maps.photo(photo)[None], engine.contrast[[dim]])[0].numpy()
        assert served.shape == expected.shape == (8, 6)
        np.testing.assert_allclose(served, expected, rtol=1e-4, atol=1e-4)
