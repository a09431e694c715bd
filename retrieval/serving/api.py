"""The engine's HTTP API (FastAPI): the bot's turns, search, items, images, heatmaps, uploads,
concepts, tree.

Bad input never gives a 500: every field is bounded (``contract.py``), unknown concepts are a
422 naming the closest known ones, bad uploads a 413 or 415, a missing item a 404, an id out of
range a 422, and every error body says what was wrong. Request bodies are bounded before they
are read (``limits.BodyLimit``); photos are decoded through a bounded pool of worker threads
(``decoding.DecodePool``), never on the event loop, and a full pool is a 503 with Retry-After.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, File, HTTPException, Path as PathParam, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from retrieval.query.concepts import UnknownConcept
from retrieval.query.contract import MAX_ID, QueryRequest, SearchRequest
from .engine import Engine
from retrieval.errors import EngineError
from retrieval.ranking.indexing import IndexMismatch
from .decoding import DecoderBusy
from .limits import BodyLimit
from .uploads import UnknownUpload, UploadRejected
from .webchat import mount_webchat

JSON_BODY_LIMIT = 256_000  # bytes of a JSON request (a turn with its state is a few KB)
ItemId = PathParam(..., ge=0, le=MAX_ID, description="Product id")


def _error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message, **extra})


def create_app(engine: Engine | None = None) -> FastAPI:
    """The FastAPI app over an engine (built from the environment when not given)."""
    from threadpoolctl import threadpool_limits

    engine = engine or Engine()
    # one query at a time per request thread: BLAS threads would only contend with the other
    # requests (measured: a 44k x 256 matrix-vector product 8 ms with OpenBLAS' default threads
    # on 2 busy cores, 1.4 ms with one)
    threadpool_limits(limits=engine.settings.blas_threads, user_api="blas")

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        """Load the index and the text encoder before the first shopper waits for them."""
        try:
            engine.ranker
            engine.encode_text("warm up")
        except Exception as exc:  # the endpoints report what is missing; serving still starts
            logging.getLogger(__name__).warning("engine warm-up failed: %s", exc)
        yield

    docs = engine.settings.api_docs  # the schema and its pages only when FASHIONBOT_API_DOCS opens them
    app = FastAPI(title="fashionbot engine", version="0.1.0", lifespan=lifespan,
                  description="Interpretable multimodal fashion search over an EI concept tree.",
                  openapi_url="/openapi.json" if docs else None, docs_url="/docs" if docs else None,
                  redoc_url="/redoc" if docs else None)
    app.state.engine = engine
    # browsers may call the engine only from the web chat page it serves (FASHIONBOT_PUBLIC_URL's origin)
    app.add_middleware(CORSMiddleware, allow_origins=[engine.settings.web_origin], allow_methods=["GET", "POST"],
                       allow_headers=["content-type"])
    upload_limit = engine.settings.max_upload_bytes + 64_000  # the photo plus its multipart envelope
    app.add_middleware(BodyLimit, limit_for=lambda path: upload_limit if path == "/images" else JSON_BODY_LIMIT)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError):
        problems = [f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors()]
        return _error(422, "invalid request: " + "; ".join(problems),
                      detail=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()])

    @app.exception_handler(UnknownConcept)
    async def unknown_concept(_: Request, exc: UnknownConcept):
        return _error(422, str(exc.args[0]), concept=exc.term, suggestions=exc.suggestions)

    @app.exception_handler(EngineError)
    async def engine_error(_: Request, exc: EngineError):
        return _error(400, str(exc))

    @app.exception_handler(UnknownUpload)
    async def unknown_upload(_: Request, exc: UnknownUpload):
        return _error(400, str(exc.args[0]))

    @app.exception_handler(UploadRejected)
    async def upload_rejected(_: Request, exc: UploadRejected):
        return _error(exc.status, str(exc))

    @app.exception_handler(DecoderBusy)
    async def decoder_busy(_: Request, exc: DecoderBusy):
        return JSONResponse(status_code=503, content={"error": str(exc)},
                            headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(IndexMismatch)
    async def index_mismatch(_: Request, exc: IndexMismatch):
        return _error(503, str(exc))

    @app.exception_handler(FileNotFoundError)
    async def not_ready(_: Request, exc: FileNotFoundError):
        return _error(503, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception):  # last resort: still a JSON body that says what failed
        return _error(500, f"internal error: {type(exc).__name__}: {exc}")

    def health_body() -> dict:
        ranker = engine.ranker
        return {"status": "ok", "products": len(ranker.vectors.ids), "concepts": len(engine.tree.order),
                "device": engine.device_name, "index": engine.manifest.__dict__ if engine.manifest else None}

    @app.get("/health")
    async def health():
        """Liveness plus what is loaded: on the event loop once the index is loaded, so that it
        answers at once while the worker threads are busy (uploads, searches)."""
        if engine._service is None:
            return await run_in_threadpool(health_body)  # loads the index first
        return health_body()

    @app.post("/query")
    def query(request: QueryRequest):
        """One shopper's turn: the state the engine last returned plus this turn's edit; the new
        state, the page of explained items and any question to ask (see ``retrieval/query/contract.py``)."""
        state = request.state.model_dump() if request.state else None
        return JSONResponse(engine.service.turn(state, request.edit.model_dump(), request.page_size))

    @app.post("/search")
    def search(request: SearchRequest):
        """Ranked products for text, a reference (``like`` or ``image_id``) and concept edits."""
        result = engine.search(text=request.text, like=request.like, image_id=request.image_id,
                               include=request.include, exclude=request.exclude, k=request.k, offset=request.offset)
        table, service = engine.service.table, engine.service
        items = []
        for hit in result.hits:
            row = service._row(hit.id)
            items.append({"id": hit.id, "name": table.names[row] if row is not None else str(hit.id),
                          "image_url": engine.image_url(hit.id), "score": round(hit.score, 4), "matched": hit.matched,
                          "missed": hit.missed, "excluded_present": hit.excluded_present,
                          "top_concepts": hit.top_concepts, "score_parts": hit.score_parts})
        return JSONResponse({"items": items, "query": result.query, "total": result.total,
                             "blocking": result.blocking, "k": request.k, "offset": request.offset})

    def _product(pid: int):
        product = engine.catalog.get(pid)
        if product is None:
            raise HTTPException(404, f"no product {pid}")
        return product

    @app.get("/items/{pid}")
    def item(pid: int = ItemId):
        """A product's catalogue record and its top concepts."""
        product = _product(pid)
        ranker = engine.ranker
        out = {"id": product.id, "name": product.name, "brand": product.brand, "gender": product.gender,
               "masterCategory": product.master_category, "subCategory": product.sub_category,
               "articleType": product.article_type, "baseColour": product.base_colour,
               "season": product.season, "usage": product.usage, "year": product.year, "price": product.price,
               "list_price": product.list_price, "on_sale": product.on_sale, "sizes": product.sizes,
               "brand_raw": product.brand_raw, "description": product.description,
               "attributes": product.attribute_map, "image_url": engine.image_url(pid), "split": product.split}
        row = engine.service._row(pid)
        if row is not None:
            out["top_concepts"] = ranker.top_concepts(ranker.vectors.concept_probs[row])
        return out

    @app.get("/items/{pid}/image")
    def item_image(pid: int = ItemId):
        """The product photo."""
        path = engine.catalog.image_file(_product(pid))
        if path is None or not Path(path).exists():
            raise HTTPException(404, f"product {pid} has no photo")
        return FileResponse(path, media_type="image/jpeg")

    @app.get("/items/{pid}/heatmap", responses={200: {"content": {"image/png": {}}}})
    def item_heatmap(pid: int = ItemId, concept: str = Query(..., max_length=100)):
        """The photo with the region behind ``concept`` overlaid (PNG)."""
        _product(pid)
        return Response(engine.heatmap_png(pid, concept), media_type="image/png")

    @app.post("/images")
    async def upload_image(file: UploadFile = File(...)):
        """Upload a photo for image search; returns its ``image_id``. The photo waits for a decoder
        of the bounded pool (``decoding.py``: 503 with Retry-After when it and its queue are full),
        then is checked from its header, decoded at reduced scale, shrunk and stored once, in a
        worker thread."""
        limit = engine.settings.max_upload_bytes

        def save():
            data = file.file.read(limit + 1)  # the spooled body, read only once a decoder is free
            if len(data) > limit:
                raise UploadRejected(413, f"upload is larger than {limit} bytes")
            return engine.uploads.save(data)

        return await engine.decoder.run(save)

    @app.get("/concepts")
    def concepts(q: str = Query("", max_length=100), limit: int = Query(10, ge=1, le=50)):
        """Concept suggestions for a partial name."""
        tree = engine.tree
        names = tree.suggest(q, limit) if q else []
        out = []
        for name in names:
            for node in tree.resolve(name)[:3]:
                out.append({"concept": node.id, "name": node.name, "group": node.group,
                            "path": [n.name for n in tree.path(node.id)[1:]]})
        return {"q": q, "concepts": out[:limit]}

    @app.get("/tree")
    def tree():
        """The whole EI tree."""
        return engine.tree.to_dict()

    mount_webchat(app, engine.settings)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory retrieval.serving.api:app_from_env``."""
    return create_app()
