"""The product catalogue in SQL (SQLAlchemy 2): the only module that knows the ORM.

SQLite in ``var/`` by default; any SQLAlchemy URL through ``FASHIONBOT_DB_URL``.
``sync_catalog`` makes the database mirror a scanned source in one transaction: unchanged
products are left alone (re-importing changes nothing), and any failure rolls back to the
previous catalogue.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import logging

from sqlalchemy import (JSON, Float, ForeignKey, Integer, String, Text, create_engine, delete, func, inspect,
                        select)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .ingest import ProductRecord
from .sizes import size_key
from .split import split_of


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(300))
    brand: Mapped[str | None] = mapped_column(String(120), index=True)  # one spelling per brand
    brand_raw: Mapped[str | None] = mapped_column(String(120))  # as spelled in the source
    gender: Mapped[str | None] = mapped_column(String(20), index=True)
    master_category: Mapped[str | None] = mapped_column(String(60), index=True)
    sub_category: Mapped[str | None] = mapped_column(String(60), index=True)
    article_type: Mapped[str | None] = mapped_column(String(60), index=True)
    base_colour: Mapped[str | None] = mapped_column(String(40), index=True)
    season: Mapped[str | None] = mapped_column(String(20))
    usage: Mapped[str | None] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)
    price: Mapped[float | None] = mapped_column(Float, index=True)  # INR paid (discounted when discounted)
    list_price: Mapped[float | None] = mapped_column(Float)  # INR before any discount
    description: Mapped[str] = mapped_column(Text, default="")
    image_path: Mapped[str | None] = mapped_column(String(200))  # relative to the source folder
    image_width: Mapped[int | None] = mapped_column(Integer)
    image_height: Mapped[int | None] = mapped_column(Integer)
    image_mode: Mapped[str | None] = mapped_column(String(8))
    raw_attributes: Mapped[dict] = mapped_column(JSON, default=dict)  # as read, nothing dropped
    split: Mapped[str] = mapped_column(String(5), index=True)  # train / val / test
    content_hash: Mapped[str] = mapped_column(String(40))

    attributes: Mapped[list["ProductAttribute"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", lazy="selectin")
    size_rows: Mapped[list["ProductSize"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", lazy="selectin", order_by="ProductSize.position")

    @property
    def attribute_map(self) -> dict[str, str]:
        return {a.name: a.value for a in self.attributes}

    @property
    def sizes(self) -> list[str]:
        """Sizes offered, as spelled in the source, in its order."""
        return [s.raw for s in self.size_rows]

    @property
    def on_sale(self) -> bool:
        return bool(self.price is not None and self.list_price and self.price < self.list_price)

    @property
    def text(self) -> str:
        """The product text the model reads: name plus description."""
        return f"{self.name}. {self.description}".strip()


class ProductAttribute(Base):
    __tablename__ = "product_attributes"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # attribute id, e.g. "sleeve"
    value: Mapped[str] = mapped_column(String(80), index=True)  # canonical value

    product: Mapped[Product] = relationship(back_populates="attributes")


class ProductSize(Base):
    """A size a product is offered in (``styleOptions``; their availability flags are stale)."""

    __tablename__ = "product_sizes"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw: Mapped[str] = mapped_column(String(20))  # as in the source: "M", "UK7", "Onesize"
    key: Mapped[str] = mapped_column(String(20), index=True)  # comparable: "M", "UK7", "ONESIZE"

    product: Mapped[Product] = relationship(back_populates="size_rows")


class ProductConcept(Base):
    """A product's labels as EI-tree concept ids (written by ``fashionbot tree build``)."""

    __tablename__ = "product_concepts"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    concept_id: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)


class CatalogMeta(Base):
    __tablename__ = "catalog_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


@dataclass
class SyncReport:
    """What an import changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    fingerprint: str = ""
    splits: dict[str, int] = field(default_factory=dict)


_engines: dict[str, Engine] = {}
log = logging.getLogger(__name__)


def get_engine(url: str) -> Engine:
    """A cached engine for a URL; creates the tables (and the SQLite folder) when missing. A
    catalogue written by an older version (a column missing) is dropped: it only mirrors its
    source folder, and the next ``fashionbot prepare`` or ``catalog import`` reads it again."""
    if url not in _engines:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True)
        if _outdated(engine):
            log.warning("catalogue at %s has an older layout: it is emptied and will be imported again", url)
            Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
        _engines[url] = engine
    return _engines[url]


def _outdated(engine: Engine) -> bool:
    """Whether an existing table lacks a column of this version's layout."""
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        if inspector.has_table(table.name):
            present = {c["name"] for c in inspector.get_columns(table.name)}
            if set(table.columns.keys()) - present:
                return True
    return False


def _row(record: ProductRecord) -> dict:
    return dict(id=record.id, name=record.name, brand=record.brand, gender=record.gender,
                master_category=record.master_category, sub_category=record.sub_category,
                article_type=record.article_type, base_colour=record.base_colour, season=record.season,
                usage=record.usage, year=record.year, price=record.price, list_price=record.list_price,
                brand_raw=record.brand_raw, description=record.description,
                image_path=record.image_path, image_width=record.image_width,
                image_height=record.image_height, image_mode=record.image_mode,
                raw_attributes=record.raw_attributes, split=split_of(record.id),
                content_hash=record.content_hash())


def _chunks(items: list, size: int = 2000) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def fingerprint_of(hashes: Iterable[tuple[int, str]]) -> str:
    """A fingerprint of the whole catalogue: changes when any product changes."""
    digest = hashlib.sha1()
    for pid, content_hash in sorted(hashes):
        digest.update(f"{pid}:{content_hash};".encode())
    return digest.hexdigest()[:16]


def sync_catalog(engine: Engine, records: list[ProductRecord], source: Path,
                 progress=None) -> SyncReport:
    """Make the catalogue mirror ``records`` in one transaction; return what changed."""
    report = SyncReport()
    wanted = {r.id: r for r in records}
    with Session(engine) as session, session.begin():
        existing = dict(session.execute(select(Product.id, Product.content_hash)).all())
        changed = [r for pid, r in wanted.items() if existing.get(pid) != r.content_hash()]
        gone = [pid for pid in existing if pid not in wanted]
        report.updated = sum(1 for r in changed if r.id in existing)
        report.added = len(changed) - report.updated
        report.removed = len(gone)
        report.unchanged = len(wanted) - len(changed)
        stale = gone + [r.id for r in changed if r.id in existing]
        for chunk in _chunks(stale):
            session.execute(delete(ProductConcept).where(ProductConcept.product_id.in_(chunk)))
            session.execute(delete(ProductSize).where(ProductSize.product_id.in_(chunk)))
            session.execute(delete(ProductAttribute).where(ProductAttribute.product_id.in_(chunk)))
            session.execute(delete(Product).where(Product.id.in_(chunk)))
        chunks = list(_chunks(changed))
        for chunk in (progress(chunks, "Writing products") if progress and chunks else chunks):
            session.execute(Product.__table__.insert(), [_row(r) for r in chunk])
            attrs = [dict(product_id=r.id, name=k, value=v) for r in chunk for k, v in r.attributes.items()]
            if attrs:
                session.execute(ProductAttribute.__table__.insert(), attrs)
            sizes = [dict(product_id=r.id, position=i, raw=raw, key=size_key(raw))
                     for r in chunk for i, raw in enumerate(r.sizes)]
            if sizes:
                session.execute(ProductSize.__table__.insert(), sizes)
        report.fingerprint = fingerprint_of((pid, r.content_hash()) for pid, r in wanted.items())
        _set_meta(session, "fingerprint", report.fingerprint)
        _set_meta(session, "source", str(Path(source).resolve()))
        report.splits = dict(session.execute(select(Product.split, func.count()).group_by(Product.split)).all())
    return report


def _meta(session: Session, key: str) -> str | None:
    row = session.get(CatalogMeta, key)
    return row.value if row else None


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(CatalogMeta, key)
    if row:
        if row.value != value:
            row.value = value
    else:
        session.add(CatalogMeta(key=key, value=value))


class Catalog:
    """Read access to the catalogue for the tree builder, training and the engine."""

    def __init__(self, url: str):
        self.engine = get_engine(url)

    def meta(self, key: str) -> str | None:
        with Session(self.engine) as session:
            return _meta(session, key)

    def set_meta(self, key: str, value: str) -> None:
        with Session(self.engine) as session, session.begin():
            _set_meta(session, key, value)

    @property
    def fingerprint(self) -> str | None:
        return self.meta("fingerprint")

    @property
    def source(self) -> Path | None:
        value = self.meta("source")
        return Path(value) if value else None

    def count(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(Product)) or 0

    def products(self, split: str | None = None, ids: Iterable[int] | None = None) -> list[Product]:
        """Products (detached, attributes loaded), ordered by id; optionally one split or some ids."""
        stmt = select(Product).order_by(Product.id)
        if split:
            stmt = stmt.where(Product.split == split)
        with Session(self.engine, expire_on_commit=False) as session:
            if ids is None:
                return list(session.scalars(stmt))
            out = []
            for chunk in _chunks(sorted(set(ids))):
                out.extend(session.scalars(stmt.where(Product.id.in_(chunk))))
            return out

    def facts(self) -> dict[str, list]:
        """Column lists (ordered by id) of what the engine filters, explains and shows with a
        hit: id, name, brand, price, list_price, article_type, base_colour, gender, master and sub
        category, usage, season, attribute values
        (joined) and sizes (comparable keys, and as spelled)."""
        columns = ("id", "name", "brand", "price", "list_price", "article_type", "base_colour", "gender",
                   "master_category", "sub_category", "usage", "season")
        out: dict[str, list] = {c: [] for c in (*columns, "attribute_text", "size_keys", "sizes")}
        with Session(self.engine) as session:
            attrs: dict[int, list[str]] = {}
            for pid, value in session.execute(select(ProductAttribute.product_id, ProductAttribute.value)):
                attrs.setdefault(pid, []).append(value)
            sizes: dict[int, list[tuple[str, str]]] = {}
            for pid, raw, key in session.execute(select(ProductSize.product_id, ProductSize.raw, ProductSize.key)
                                                 .order_by(ProductSize.product_id, ProductSize.position)):
                sizes.setdefault(pid, []).append((raw, key))
            rows = session.execute(select(*(getattr(Product, c) for c in columns), Product.raw_attributes)
                                   .order_by(Product.id))
            for row in rows:
                for name, value in zip(columns, row):
                    out[name].append(value)
                pid = row[0]
                raw = [str(v) for v in (row[-1] or {}).values()]
                out["attribute_text"].append(" ".join(attrs.get(pid, []) + raw))
                out["sizes"].append([r for r, _ in sizes.get(pid, [])])
                out["size_keys"].append([k for _, k in sizes.get(pid, [])])
        return out

    def get(self, pid: int) -> Product | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(Product, pid)

    def image_file(self, product: Product) -> Path | None:
        """Absolute path of a product's photo."""
        source = self.source
        return source / product.image_path if source and product.image_path else None

    def set_concept_labels(self, labels: dict[int, list[str]]) -> None:
        """Replace every product's concept labels (one transaction)."""
        rows = [dict(product_id=pid, concept_id=c) for pid, cs in labels.items() for c in cs]
        with Session(self.engine) as session, session.begin():
            session.execute(delete(ProductConcept))
            for chunk in _chunks(rows, 5000):
                session.execute(ProductConcept.__table__.insert(), chunk)

    def concept_labels(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        with Session(self.engine) as session:
            for pid, cid in session.execute(select(ProductConcept.product_id, ProductConcept.concept_id)):
                out.setdefault(pid, set()).add(cid)
        return out


def summary_json(report: SyncReport) -> str:
    return json.dumps(report.__dict__, indent=2)


def brand_counts(url: str) -> dict[str, int]:
    """Products per brand, as the ``brand`` column spells it, read without touching the database.

    Unlike ``Catalog``, this never creates or drops tables, so it reads a catalogue written by an
    older version too (there ``brand`` is the source's spelling; ``brands.display_spellings``
    unifies it). SQLite files are opened read-only. {} when there is no catalogue."""
    if url.startswith("sqlite:///") and ":memory:" not in url and "mode=ro" not in url:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return {}
        url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table(Product.__tablename__):
            return {}
        with engine.connect() as connection:
            rows = connection.execute(select(Product.brand, func.count()).where(Product.brand.is_not(None))
                                      .group_by(Product.brand))
            return {brand: int(n) for brand, n in rows if str(brand).strip()}
    finally:
        engine.dispose()
