"""The search engine: catalogue, EI tree, model heads, backbones and index behind one object.

Used by the HTTP API and the CLI. Heavy parts (model, backbones, index) load lazily.
"""
from __future__ import annotations

import io
import threading
import time
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

import numpy as np

from models.digest import file_sha
from models.tree import EITree

from retrieval.catalog.store import Catalog
from retrieval.query.concepts import UnknownConcept
from retrieval.errors import EngineError
from retrieval.ranking.index import IndexConfig
from retrieval.ranking.indexing import Manifest, check_manifest, embed_catalog, load_index, write_build
from retrieval.catalog.products import ProductTable
from retrieval.ranking.search import Ranker, SearchConfig, SearchResult
from retrieval.settings import Settings, get_settings
from .decoding import DecodePool
from .uploads import UnknownUpload, UploadStore


TEXT_CACHE = 512  # encoded free texts kept
UPLOAD_CACHE = 64  # uploaded photos whose model outputs are kept between the turns that refine them


class Engine:
    """Everything a search needs, loaded on first use."""

    def __init__(self, settings: Settings | None = None, search_config: SearchConfig | None = None):
        self.settings = settings or get_settings()
        self.search_config = search_config or SearchConfig()
        self._lock = threading.Lock()
        self._ranker: Ranker | None = None
        self._service = None
        self.last_build: dict = {}  # what the last index build spent, per step
        self._text_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # insertion order: oldest first
        self._upload_cache: dict[str, dict] = {}  # image_id -> encode_image's outputs, oldest first
        self.manifest: Manifest | None = None

    # ------------------------------------------------------------ components
    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.settings.db_url)

    @cached_property
    def tree(self) -> EITree:
        return EITree.load(self.settings.tree_path)

    @cached_property
    def uploads(self) -> UploadStore:
        s = self.settings
        return UploadStore(s.var_dir / "uploads", max_pixels=s.upload_max_pixels, side=s.upload_side,
                           max_total_bytes=s.upload_keep_bytes, max_age_s=s.upload_keep_days * 86400)

    @cached_property
    def decoder(self) -> DecodePool:
        """The bounded pool photos are decoded in (``decoding.py``)."""
        s = self.settings
        return DecodePool.sized(s.decode_workers, s.decode_queue, s.decode_budget_mb * 1_000_000, s.upload_max_pixels)

    @cached_property
    def device(self) -> str:
        """The device of the backbones and heads (``FASHIONBOT_DEVICE``: auto, cpu, cuda)."""
        from models.device import resolve_device

        try:
            return resolve_device(self.settings.device)
        except ValueError as exc:
            raise EngineError(str(exc)) from None

    @cached_property
    def device_name(self) -> str:
        """The device in words ("cpu", "cuda: NVIDIA H200"), for /health and the manifest."""
        from models.device import describe

        return describe(self.device)

    @cached_property
    def model(self):
        import torch

        from models.factory import load_checkpoint

        torch.set_num_threads(self.settings.torch_threads)  # one query at a time: see Settings
        if not self.settings.checkpoint.exists():
            raise EngineError(f"no model checkpoint at {self.settings.checkpoint}: run `fashionbot train`")
        return load_checkpoint(self.settings.checkpoint, self.tree, device=self.device)

    @cached_property
    def checkpoint_sha(self) -> str:
        return file_sha(self.settings.checkpoint)

    @cached_property
    def text_backbone(self):
        from models.encoders import BackboneConfig, TextBackbone

        self.model  # noqa: B018 (sets the thread count first)
        # on the CPU bf16 pays off for batches, not for one query
        dtype = "bfloat16" if self.device.startswith("cuda") else "float32"
        return TextBackbone(BackboneConfig(text_dtype=dtype)).to(self.device)

    @cached_property
    def image_backbone(self):
        from models.encoders import ImageBackbone

        return ImageBackbone().to(self.device).eval()

    @property
    def heatmap_head_path(self) -> Path:
        """The heatmap head: ``heatmap_head.pt`` next to the served checkpoint."""
        from models.heatmap_head import HEAD_FILE

        return self.settings.checkpoint.with_name(HEAD_FILE)

    @cached_property
    def heatmap_head(self):
        """The distilled heatmap head, when the served heatmap design is a head's (else None)."""
        from models.heatmap_head import load_heatmap_head
        from models.heatmaps import SERVED, design

        self.model  # noqa: B018 (sets the thread count first)
        if not design(SERVED).head:
            return None
        if not self.heatmap_head_path.exists():
            raise EngineError(f"no heatmap head at {self.heatmap_head_path}: run `fashionbot train-heatmap`")
        return load_heatmap_head(self.heatmap_head_path, self.tree)

    @cached_property
    def heatmap_maps(self):
        """The served heatmap design (``models/heatmaps.py``), as the case studies measure it."""
        from models.heatmaps import served_maps

        return served_maps(self.model, self.heatmap_head, self.device)

    @cached_property
    def contrast(self):
        """The evidence contrast of every concept (``models.evidence.contrast_matrix``) as a tensor."""
        import torch

        from models.evidence import contrast_matrix

        return torch.from_numpy(contrast_matrix(self.tree))

    @property
    def ranker(self) -> Ranker:
        return self.service.ranker

    @property
    def service(self):
        """The query side over the served index (``retrieval.serving.service.SearchService``)."""
        if self._service is None:
            with self._lock:
                if self._service is None:
                    self.load_index()
        return self._service

    @property
    def resolver(self):
        return self.service.resolver

    def load_index(self) -> None:
        """Load the served index; IndexMismatch when it was built for another checkpoint or catalogue."""
        from .service import SearchService
        from retrieval.query.shopping_words import ShoppingWords
        from retrieval.ranking.confirm import unconfirmed_types

        manifest, vectors, index = load_index(self.settings.index_dir)
        check_manifest(manifest, self.checkpoint_sha, None if manifest.split else self.catalog.fingerprint)
        ranker = Ranker(self.tree, vectors, index, self.search_config)
        table = ProductTable.from_facts(self.catalog.facts(), vectors.ids)
        ranker.unconfirm(unconfirmed_types(self.tree, vectors.labelled, table))
        service = SearchService(self, ranker, table, ShoppingWords.load(self.settings.shopping_path))
        self.manifest, self._ranker, self._service = manifest, ranker, service

    # ------------------------------------------------------------ indexing
    def features(self, products):
        from models.device import batch_size
        from models.features import extract_features

        if self.catalog.source is None:
            raise EngineError("the catalogue is empty: run `fashionbot catalog import`")
        # keyed on what the features are computed from (ids, texts, image paths), not on the
        # catalogue fingerprint: a price or size change must not cost a re-extraction
        runner = None
        if self.settings.ray_address:  # a Ray Data job over the cluster's workers, same cache
            from retrieval.ranking.ray_features import RayExtraction

            runner = RayExtraction(self.settings.ray_address, self.settings.ray_workers)
        return extract_features(products, self.catalog.source, self.settings.var_dir / "features",
                                device=self.device, batch_size=batch_size(self.device), runner=runner)

    def build_index(self, split: str | None = None, hide_labels: bool = False, backend: str = "auto",
                    fail_after_write: bool = False) -> Path:
        """Embed the catalogue (or one split) and swap in a new index atomically."""
        from models.factory import tree_signature

        started = time.perf_counter()
        everything = self.catalog.products()
        features = self.features(everything)
        features_seconds = time.perf_counter() - started
        products = [p for p in everything if split is None or p.split == split]
        if not products:
            raise EngineError(f"no products in split {split!r}")
        vectors = embed_catalog(self.model, self.tree, self.catalog, features, products, hide_labels)
        seconds = time.perf_counter() - started
        self.last_build = {"features_s": round(features_seconds, 1), "heads_s": round(seconds - features_seconds, 1),
                           "features_key": features.key}
        manifest = Manifest(checkpoint_sha=self.checkpoint_sha, catalog_fingerprint=self.catalog.fingerprint or "",
                            tree_signature=tree_signature(self.tree), hide_labels=hide_labels, split=split,
                            backend=backend, count=len(products), built_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                            seconds=round(seconds, 2), products_per_s=round(len(products) / max(seconds, 1e-9), 1),
                            device=self.device_name)
        folder = write_build(self.settings.index_dir, vectors, manifest, self.index_config(backend), self.tree,
                             fail_after_write=fail_after_write, attributes=self.index_attributes(backend, vectors))
        self._ranker = self._service = None
        self.last_build["total_s"] = round(time.perf_counter() - started, 1)
        return folder

    def index_config(self, backend: str) -> IndexConfig:
        return IndexConfig(backend=backend, milvus_uri=self.settings.milvus_uri)

    def index_attributes(self, backend: str, vectors):
        """The products' scalar attributes for an index that filters on them (milvus), else None."""
        if backend != "milvus":
            return None
        from retrieval.ranking.confirm import unconfirmed_types
        from retrieval.ranking.scalars import product_attributes

        table = ProductTable.from_facts(self.catalog.facts(), vectors.ids)
        probs = vectors.concept_probs.copy()
        probs[unconfirmed_types(self.tree, vectors.labelled, table).T] = 0.0  # as the ranker's matches (load_index)
        return product_attributes(table, probs, self.tree, self.search_config.match_threshold)

    def update_index(self) -> dict:
        """Add new or changed catalogue products and drop removed ones, without re-embedding the rest."""
        manifest, vectors, _ = load_index(self.settings.index_dir)
        products = {p.id: p for p in self.catalog.products() if manifest.split is None or p.split == manifest.split}
        gone = set(vectors.ids.tolist()) - set(products)
        new = [p for pid, p in products.items() if pid not in set(vectors.ids.tolist())]
        if new:
            features = self.features(new)
            added = embed_catalog(self.model, self.tree, self.catalog, features, new, manifest.hide_labels)
            vectors = vectors.merged(added, drop=gone)
        elif gone:
            vectors = vectors.merged(_empty_like(vectors), drop=gone)
        manifest.catalog_fingerprint = self.catalog.fingerprint or ""
        manifest.count = len(vectors.ids)
        manifest.built_at = time.strftime("%Y-%m-%dT%H:%M:%S")
        write_build(self.settings.index_dir, vectors, manifest, self.index_config(manifest.backend), self.tree,
                    attributes=self.index_attributes(manifest.backend, vectors))
        self._ranker = self._service = None
        return {"added": len(new), "removed": len(gone), "count": len(vectors.ids)}

    # ------------------------------------------------------------ query representations
    def encode_text(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(joint embedding (D,), concept probabilities (K,)) of a free-text query. The last
        ``TEXT_CACHE`` texts are kept: a free-text search re-encodes its text on every page."""
        if text not in self._text_cache:
            import torch

            with torch.no_grad():
                feats = self.text_backbone.encode([text])
                out = self.model(text=feats.to(self.device))
            self._remember(self._text_cache, text, (out["joint_emb"][0].float().cpu().numpy(),
                                                     out["concept_probs"][0].float().cpu().numpy()), TEXT_CACHE)
        emb, probs = self._text_cache[text]
        return emb.copy(), probs.copy()

    def encode_upload(self, image_id: str) -> dict:
        """``encode_image`` of an uploaded photo; the last ``UPLOAD_CACHE`` are kept, since every
        turn that refines a photo search ranks by the same photo."""
        if image_id not in self._upload_cache:
            self._remember(self._upload_cache, image_id, self.encode_image(self.uploads.path(image_id)), UPLOAD_CACHE)
        return {key: value.copy() for key, value in self._upload_cache[image_id].items()}

    def _remember(self, cache: dict, key: str, value, limit: int) -> None:
        """Keep ``value`` under ``key``, dropping the oldest entries beyond ``limit``."""
        with self._lock:
            cache[key] = value
            while len(cache) > limit:
                cache.pop(next(iter(cache)))

    def encode_image(self, path: Path) -> dict:
        """Model outputs for one photo: ``emb`` (D,), ``probs`` (K,), ``maps`` (K, h, w) logits."""
        import torch

        from models.encoders import load_image

        with torch.no_grad():
            image = load_image(path, self.image_backbone.config.image_size)[None].to(self.device)
            feats = self.image_backbone(image)
            out = self.model(image_maps=feats["feature_map"], image_colour=feats["colour"])
        return {key: out[name][0].float().cpu().numpy()
                for key, name in (("emb", "joint_emb"), ("probs", "concept_probs"), ("maps", "concept_maps"))}

    # ------------------------------------------------------------ search
    def search(self, text: str | None = None, like: int | None = None, image_id: str | None = None,
               include: list[str] = (), exclude: list[str] = (), k: int = 10, offset: int = 0) -> SearchResult:
        """Ranked, explained products for a stateless query (concepts by id or name)."""
        return self.service.search(text=text, like=like, image_id=image_id, include=include, exclude=exclude,
                                   k=k, offset=offset)

    def image_url(self, pid: int) -> str:
        return f"{self.settings.public_url}/items/{int(pid)}/image"

    def heatmap_url(self, pid: int, concept: str) -> str:
        return f"{self.settings.public_url}/items/{int(pid)}/heatmap?concept={quote(concept)}"

    # ------------------------------------------------------------ heatmaps
    def heatmap_png(self, pid: int, concept: str, scale: int = 4) -> bytes:
        """The product photo with the evidence for a concept overlaid, as PNG bytes: the served
        heatmap design's map (``models/heatmaps.py``: 8x6; the maps the case-study report measures)."""
        from models.evidence import overlay

        product = self.catalog.get(pid)
        if product is None:
            raise KeyError(pid)
        service = self.service
        cid = service.part_concept(pid, concept)
        if cid is None:
            raise UnknownConcept(concept, service.resolver.suggest(concept))
        photo = self.catalog.image_file(product)
        maps = self.heatmap_maps
        evidence = maps(maps.photo(photo)[None], self.contrast[[self.tree.index[cid]]])[0].numpy()  # (h, w)
        png = io.BytesIO()
        overlay(photo, evidence, scale).save(png, format="PNG")
        return png.getvalue()


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


def _empty_like(vectors):
    from retrieval.ranking.vectors import ProductVectors

    return ProductVectors(ids=np.zeros(0, dtype=np.int64), concept_probs=vectors.concept_probs[:0],
                          emb=vectors.emb[:0], labelled=vectors.labelled[:0])


__all__ = ["Engine", "EngineError", "UnknownConcept", "UnknownUpload"]
