"""Run-time settings of the engine, read from environment variables in one place, when asked
for (``get_settings``), never at import time. Nothing else in the engine reads the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
SHARED_DATASET = REPO_ROOT.parent / "shared" / "fashion-dataset"


def default_source() -> Path:
    """The catalogue folder used when none is given: the shared dataset, else the committed demo."""
    env = os.environ.get("FASHIONBOT_DATA")
    if env:
        return Path(env)
    return SHARED_DATASET if SHARED_DATASET.exists() else DEMO_DIR


@dataclass(frozen=True)
class Settings:
    var_dir: Path  # writable state: SQLite catalogue, feature caches, indexes
    db_url: str  # SQLAlchemy URL of the catalogue
    tree_path: Path  # the committed EI tree
    normalization_path: Path  # hand-edited synonym and attribute curation
    checkpoint: Path  # the model heads the engine serves
    index_dir: Path  # built indexes (``current`` points at the one served)
    public_url: str  # how clients reach the engine (image URLs in replies)
    max_upload_bytes: int  # largest accepted photo upload (request body), bytes
    shopping_path: Path = DATA_DIR / "shopping.yaml"  # shoppers' everyday words, brand aliases, price words
    styling_path: Path = DATA_DIR / "styling.yaml"  # words of styling advice, what an outfit never offers
    complements_path: Path = DATA_DIR / "complements.yaml"  # mined: article type -> types and colours it pairs with
    compare_path: Path = DATA_DIR / "compare.yaml"  # "which is cheaper / more formal / lighter?" and what decides it
    upload_max_pixels: int = 25_000_000  # photos with more pixels are refused (413)
    upload_side: int = 384  # stored copies of photos fit in side x side pixels
    upload_keep_bytes: int = 200_000_000  # the uploads folder is kept within this many bytes ...
    upload_keep_days: float = 7.0  # ... and copies unused for this long are removed
    blas_threads: int = 1  # BLAS threads per serving process (one query at a time per request)
    # one query at a time is the serving pattern: intra-op threads only contend with the other
    # requests (measured: MiniLM on a short query 15 ms with 1 thread, 300+ ms with 2 on a busy
    # 2-core machine), and FAISS's OpenMP threads only add hand-off latency
    device: str = "auto"  # backbones and heads: auto (CUDA when present, else CPU), cpu, cuda, cuda:N
    torch_threads: int = 1  # torch intra-op threads of the served model
    faiss_threads: int = 1  # FAISS OpenMP threads (set when an index is built or loaded)
    index_backend: str = "auto"  # what `fashionbot prepare` / `index build` build: auto, flat, sq8, ivf, hnsw, milvus
    ray_address: str = ""  # feature extraction as a Ray Data job: "" in process, local, auto, ray://head:10001
    ray_workers: int = 0  # its actors (0: one per GPU of the cluster, else one per CPU)
    milvus_uri: str = ""  # the milvus index backend's server (http://host:19530); "" = Milvus Lite in the build
    rasa_url: str = "http://localhost:5005"  # where the web chat page's browser reaches Rasa's socketio channel
    webchat_dir: Path | None = None  # folder holding the chat widget bundle (default: var/webchat)
    api_docs: bool = False  # serve /docs, /redoc and /openapi.json (closed by default)
    decode_workers: int = 0  # photos decoded at once (0: sized from memory, see serving/decoding.py)
    decode_queue: int = 16  # uploads that may wait for a decoder; more get 503 with Retry-After
    decode_budget_mb: int = 0  # memory for photo decoding (0: a quarter of the machine's, at most 1 GB)

    @property
    def web_origin(self) -> str:
        """The origin of ``public_url`` (scheme://host[:port]): the web chat page's, the only one
        the engine's CORS answers."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @classmethod
    def from_env(cls) -> "Settings":
        var_dir = Path(os.environ.get("FASHIONBOT_VAR", REPO_ROOT / "var"))
        db_url = os.environ.get("FASHIONBOT_DB_URL", f"sqlite:///{var_dir / 'catalog.db'}")
        tree_path = Path(os.environ.get("FASHIONBOT_TREE", DATA_DIR / "ei_tree.yaml"))
        checkpoint = Path(os.environ.get("FASHIONBOT_CHECKPOINT",
                                         REPO_ROOT / "models" / "checkpoints" / "eitree.pt"))
        return cls(var_dir=var_dir, db_url=db_url, tree_path=tree_path,
                   normalization_path=DATA_DIR / "normalization.yaml", checkpoint=checkpoint,
                   index_dir=Path(os.environ.get("FASHIONBOT_INDEX", var_dir / "index")),
                   public_url=os.environ.get("FASHIONBOT_PUBLIC_URL", "http://localhost:8000").rstrip("/"),
                   max_upload_bytes=int(os.environ.get("FASHIONBOT_MAX_UPLOAD", 5_000_000)),
                   upload_max_pixels=int(os.environ.get("FASHIONBOT_UPLOAD_MAX_PIXELS", 25_000_000)),
                   upload_keep_bytes=int(float(os.environ.get("FASHIONBOT_UPLOAD_KEEP_MB", 200)) * 1_000_000),
                   upload_keep_days=float(os.environ.get("FASHIONBOT_UPLOAD_KEEP_DAYS", 7)),
                   blas_threads=int(os.environ.get("FASHIONBOT_BLAS_THREADS", 1)),
                   device=os.environ.get("FASHIONBOT_DEVICE", "auto"),
                   torch_threads=int(os.environ.get("FASHIONBOT_TORCH_THREADS", "1")),
                   faiss_threads=int(os.environ.get("FASHIONBOT_FAISS_THREADS", "1")),
                   index_backend=os.environ.get("FASHIONBOT_INDEX_BACKEND", "auto"),
                   milvus_uri=os.environ.get("FASHIONBOT_MILVUS_URI", ""),
                   ray_address=os.environ.get("FASHIONBOT_RAY_ADDRESS", ""),
                   ray_workers=int(os.environ.get("FASHIONBOT_RAY_WORKERS", "0")),
                   rasa_url=os.environ.get("FASHIONBOT_RASA_URL", "http://localhost:5005").rstrip("/"),
                   webchat_dir=Path(os.environ["FASHIONBOT_WEBCHAT_DIR"]) if os.environ.get("FASHIONBOT_WEBCHAT_DIR")
                   else None,
                   api_docs=os.environ.get("FASHIONBOT_API_DOCS", "").strip().lower() in ("1", "true", "yes"),
                   decode_workers=int(os.environ.get("FASHIONBOT_DECODE_WORKERS", 0)),
                   decode_queue=int(os.environ.get("FASHIONBOT_DECODE_QUEUE", 16)),
                   decode_budget_mb=int(os.environ.get("FASHIONBOT_DECODE_BUDGET_MB", 0)))


def get_settings() -> Settings:
    """Current settings (re-read each call so tests can change the environment)."""
    return Settings.from_env()
