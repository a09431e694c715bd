"""The HTTP API with the real index over the demo catalogue: every endpoint, every bad input."""
from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from retrieval.api import create_app


@pytest.fixture(scope="module")
def client(demo_engine):
    return TestClient(create_app(demo_engine), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def a_shirt(demo_engine):
    return next(p for p in demo_engine.catalog.products() if p.article_type == "Shirts"
                and p.attribute_map.get("sleeve") == "Short Sleeves")


def test_health_and_tree(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["products"] > 2500
    tree = client.get("/tree").json()
    assert tree["tree"]["id"] == "root" and len(tree["tree"]["children"]) >= 5


def test_search_with_edit_is_explained(client, a_shirt):
    body = client.post("/search", json={"like": a_shirt.id, "include": ["long sleeves", "colour.white"], "k": 5}).json()
    assert len(body["items"]) == 5 and body["total"] > 0
    item = body["items"][0]
    assert set(item) >= {"id", "name", "image_url", "score", "matched", "missed", "top_concepts", "score_parts"}
    assert {m["name"] for m in item["matched"]} == {"Long Sleeves", "White"}
    assert set(item["score_parts"]) == {"category", "colour", "attributes", "visual"}
    assert item["image_url"] == f"http://testserver/items/{item['id']}/image"
    assert [c["concept"] for c in body["query"]["include"]] == ["sub.topwear.sleeve.long_sleeves", "colour.white"]


def test_search_pages(client):
    first = client.post("/search", json={"text": "black shoes", "k": 5}).json()
    second = client.post("/search", json={"text": "black shoes", "k": 5, "offset": 5}).json()
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert first["items"][0]["score"] >= second["items"][0]["score"]


def test_unknown_concept_is_422_with_suggestions(client):
    response = client.post("/search", json={"text": "shirts", "include": ["bluu"]})
    assert response.status_code == 422
    body = response.json()
    assert "bluu" in body["error"] and "Blue" in body["suggestions"]


@pytest.mark.parametrize("payload, status", [
    ({}, 400),
    ({"text": "   "}, 400),
    ({"text": "shirt", "k": 0}, 422),
    ({"text": "shirt", "k": 1000}, 422),
    ({"text": "shirt", "offset": -1}, 422),
    ({"text": "x" * 5000}, 422),
    ({"like": 999999999}, 400),
    ({"image_id": "../../etc/passwd"}, 400),
    ({"image_id": "0123abcd"}, 400),
])
def test_bad_search_input(client, payload, status):
    response = client.post("/search", json=payload)
    assert response.status_code == status
    body = response.json()
    assert body.get("error") or body.get("detail")


def test_items(client, a_shirt):
    item = client.get(f"/items/{a_shirt.id}").json()
    assert item["name"] == a_shirt.name and item["articleType"] == "Shirts" and item["top_concepts"]
    image = client.get(f"/items/{a_shirt.id}/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size == (a_shirt.image_width, a_shirt.image_height)
    assert client.get("/items/999999999").status_code == 404
    assert "no product" in client.get("/items/999999999/image").json()["error"]


def test_heatmap_is_png_of_the_right_size(client, a_shirt):
    response = client.get(f"/items/{a_shirt.id}/heatmap", params={"concept": "short sleeves"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (a_shirt.image_width * 4, a_shirt.image_height * 4)
    assert client.get(f"/items/{a_shirt.id}/heatmap", params={"concept": "zzzz"}).status_code == 422
    assert client.get("/items/999999999/heatmap", params={"concept": "red"}).status_code == 404


def test_upload_and_image_search_finds_the_product(client, demo_engine, a_shirt):
    photo = demo_engine.catalog.image_file(a_shirt).read_bytes()
    upload = client.post("/images", files={"file": ("shirt.jpg", photo, "image/jpeg")})
    assert upload.status_code == 200
    body = client.post("/search", json={"image_id": upload.json()["image_id"], "k": 5}).json()
    assert a_shirt.id in [i["id"] for i in body["items"]]


def test_bad_uploads(client):
    not_image = client.post("/images", files={"file": ("x.jpg", b"definitely not a jpeg", "image/jpeg")})
    assert not_image.status_code == 415 and "not a readable image" in not_image.json()["error"]
    assert client.post("/images", files={"file": ("e.jpg", b"", "image/jpeg")}).status_code == 415
    big = client.post("/images", files={"file": ("big.jpg", b"\xff" * 2_100_000, "image/jpeg")})
    assert big.status_code == 413
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, format="PNG")  # tiny file, 144 M pixels
    response = client.post("/images", files={"file": ("bomb.png", bomb.getvalue(), "image/png")})
    assert response.status_code == 413 and "pixels" in response.json()["error"]


def test_concepts_suggest(client):
    body = client.get("/concepts", params={"q": "sleev"}).json()
    assert any("Sleeve" in c["name"] or "sleeve" in c["concept"] for c in body["concepts"])
    assert client.get("/concepts", params={"q": "x" * 500}).status_code == 422


def test_openapi_and_cors(client):
    schema = client.get("/openapi.json").json()
    assert {"/search", "/items/{pid}", "/items/{pid}/heatmap", "/images", "/concepts", "/tree", "/health"} <= set(
        schema["paths"])
    preflight = client.options("/search", headers={"Origin": "http://localhost:8000",
                                                   "Access-Control-Request-Method": "POST"})
    assert preflight.headers.get("access-control-allow-origin") in ("*", "http://localhost:8000")
