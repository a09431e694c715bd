"""Read a catalogue in the Kaggle "Fashion Product Images" layout into normalised records.

The layout: ``images/{id}.jpg``, ``styles.csv`` and either ``styles.jsonl.gz`` (one
``{"data": {...}}`` per line) or a ``styles/{id}.json`` folder. This module knows the file
formats and their quirks; it knows nothing of the database (see ``catalog.py``).

Quirks handled: unquoted commas in ``productDisplayName`` (fields after the 9th are joined
back into the name), ids without an image, HTML in descriptions, "NA" for unknown values,
greyscale photos, and noisy attribute synonyms (mapped through ``data/normalization.yaml``).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import html
import json
import re
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import yaml
from PIL import Image, UnidentifiedImageError

CSV_FIELDS = ["id", "gender", "masterCategory", "subCategory", "articleType", "baseColour",
              "season", "year", "usage", "productDisplayName"]


class SourceError(ValueError):
    """A malformed catalogue file or row: names the file, the line and what is wrong."""

    def __init__(self, path: Path | str, line: int | None, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass
class ProductRecord:
    """One product, normalised, ready for the catalogue."""

    id: int
    name: str
    brand: str | None = None
    gender: str | None = None
    master_category: str | None = None
    sub_category: str | None = None
    article_type: str | None = None
    base_colour: str | None = None
    season: str | None = None
    usage: str | None = None
    year: int | None = None
    price: float | None = None  # INR the shopper pays: the discounted price when discounted
    list_price: float | None = None  # INR before any discount
    brand_raw: str | None = None  # the brand as spelled in the source (``brand`` is the one spelling shown)
    sizes: list[str] = field(default_factory=list)  # sizes offered, as in the source ("M", "UK7", "Onesize")
    description: str = ""
    image_path: str | None = None  # relative to the source folder
    image_width: int | None = None
    image_height: int | None = None
    image_mode: str | None = None  # PIL mode: "RGB", "L" (greyscale), ...
    attributes: dict[str, str] = field(default_factory=dict)  # attribute id -> canonical value
    raw_attributes: dict[str, str] = field(default_factory=dict)  # raw name -> raw value

    def content_hash(self) -> str:
        """A stable hash of everything stored for this product (idempotent re-import)."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=True)
        return hashlib.sha1(payload.encode()).hexdigest()


@dataclass
class Skip:
    """A product left out of the import, and why."""

    id: int | str
    reason: str
    detail: str = ""


@dataclass
class Normalizer:
    """Maps raw values to canonical ones, as curated in ``data/normalization.yaml``."""

    missing: set[str]
    colours: dict[str, str]
    usage: dict[str, str]
    attributes: dict[str, dict]  # raw attribute name -> {id, entity, mode, values}
    article_types: dict[str, str] = field(default_factory=dict)  # a kind -> the type it is a kind of
    min_support: int = 20
    synonyms: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Normalizer":
        """Load the curation file."""
        spec = yaml.safe_load(Path(path).read_text())
        return cls(missing={m.lower() for m in spec.get("missing", [])},
                   colours=spec.get("colours", {}), usage=spec.get("usage", {}),
                   attributes=spec.get("attributes", {}), min_support=int(spec.get("min_support", 20)),
                   synonyms=spec.get("synonyms", {}), article_types=spec.get("article_types") or {})

    def clean(self, value) -> str | None:
        """Trimmed text, or None when the value means unknown."""
        if value is None:
            return None
        text = re.sub(r"\s+", " ", str(value)).strip()
        return None if text.lower() in self.missing else text

    def colour(self, value) -> str | None:
        text = self.clean(value)
        return self.colours.get(text, text) if text else None

    def article_type(self, value) -> str | None:
        text = self.clean(value)
        return self.article_types.get(text, text) if text else None

    def usage_value(self, value) -> str | None:
        text = self.clean(value)
        return self.usage.get(text, text) if text else None

    def attributes_of(self, raw: dict) -> dict[str, str]:
        """Kept attribute types only, as {attribute id: canonical value}."""
        out = {}
        for raw_name, raw_value in (raw or {}).items():
            spec = self.attributes.get(str(raw_name).strip())
            value = self.clean(raw_value)
            if spec is None or value is None or value in (spec.get("drop") or ()):
                continue
            out[spec["id"]] = (spec.get("values") or {}).get(value, value)
        return out

    def attribute_spec(self, attribute_id: str) -> dict:
        """The curated spec of one attribute type, by its id."""
        for raw_name, spec in self.attributes.items():
            if spec["id"] == attribute_id:
                return {"raw_name": raw_name, **spec}
        raise KeyError(attribute_id)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "p", "li", "div"):
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def strip_html(text: str | None) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    if not text:
        return ""
    parser = _TextExtractor()
    parser.feed(html.unescape(str(text)) if "<" not in str(text) else str(text))
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def _raise(exc: SourceError):
    raise exc


def read_styles_csv(path: Path, on_error=_raise) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row dict) from styles.csv, joining unquoted commas back into the name.

    A malformed row is passed to ``on_error`` (which raises by default) and not yielded."""
    try:
        handle = open(path, newline="", encoding="utf-8")
    except OSError as exc:
        raise SourceError(path, None, f"cannot read: {exc.strerror}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise SourceError(path, 1, "empty file, expected a header row") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SourceError(path, 1, f"unreadable header: {exc}") from exc
        header = [h.strip() for h in header]
        if header[: len(CSV_FIELDS)] != CSV_FIELDS:
            raise SourceError(path, 1, f"unexpected header {header}, expected {CSV_FIELDS}")
        line = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                on_error(SourceError(path, reader.line_num, f"unparseable row: {exc}"))
                continue
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) < len(CSV_FIELDS):
                on_error(SourceError(path, line, f"row has {len(fields)} fields, expected "
                                     f"{len(CSV_FIELDS)} (truncated row?)"))
                continue
            row = dict(zip(CSV_FIELDS[:-1], fields[: len(CSV_FIELDS) - 1]))
            row["productDisplayName"] = ",".join(fields[len(CSV_FIELDS) - 1:]).strip()
            if not row["id"].strip().isdigit():
                on_error(SourceError(path, line, f"id {row['id']!r} is not a positive integer"))
                continue
            yield line, row


def _parse_json(text: str, path: Path, line: int | None) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(path, line, f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
    data = doc.get("data", doc) if isinstance(doc, dict) else None
    if not isinstance(data, dict) or "id" not in data:
        raise SourceError(path, line, "JSON object has no product 'data' with an 'id'")
    try:
        data["id"] = int(data["id"])
    except (TypeError, ValueError):
        raise SourceError(path, line, f"product id {data['id']!r} is not an integer") from None
    return data


def _parse_or_report(text: str, path: Path, line: int | None, on_error) -> dict | None:
    try:
        return _parse_json(text, path, line)
    except SourceError as exc:
        on_error(exc)
        return None


def read_styles_json(source: Path, on_error=_raise) -> Iterator[tuple[Path, int | None, dict]]:
    """Yield (file, line, product data) from styles.jsonl.gz or a styles/{id}.json folder.

    A malformed line is passed to ``on_error`` (which raises by default) and not yielded."""
    jsonl = source / "styles.jsonl.gz"
    folder = source / "styles"
    if jsonl.exists():
        try:
            with gzip.open(jsonl, "rt", encoding="utf-8") as handle:
                for line_no, text in enumerate(handle, start=1):
                    data = _parse_or_report(text, jsonl, line_no, on_error) if text.strip() else None
                    if data is not None:
                        yield jsonl, line_no, data
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise SourceError(jsonl, None, f"corrupt gzip stream: {exc}") from exc
    elif folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            data = _parse_or_report(path.read_text(encoding="utf-8", errors="replace"), path, None, on_error)
            if data is not None:
                yield path, None, data


def probe_image(path: Path) -> tuple[int, int, str]:
    """(width, height, mode) of a readable image; raises ValueError with the reason otherwise."""
    try:
        with Image.open(path) as img:
            img.verify()
        with Image.open(path) as img:  # verify() leaves the file unusable: reopen for the size
            return img.width, img.height, img.mode
    except FileNotFoundError:
        raise ValueError("no image file") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"not a readable image: {exc}") from None


def _nested_name(value) -> str | None:
    return value.get("typeName") if isinstance(value, dict) else value


def _to_int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _to_float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def build_record(pid: int, row: dict | None, data: dict | None, norm: Normalizer) -> ProductRecord:
    """Merge a CSV row and a JSON product into one normalised record (CSV wins on taxonomy)."""
    row, data = row or {}, data or {}
    pick = lambda csv_key, json_key=None: norm.clean(row.get(csv_key)) or norm.clean(  # noqa: E731
        _nested_name(data.get(json_key or csv_key)))
    descriptors = data.get("productDescriptors") or {}
    description = strip_html((descriptors.get("description") or {}).get("value"))
    list_price, price = _prices(data)
    brand = norm.clean(data.get("brandName"))
    return ProductRecord(
        id=pid,
        name=pick("productDisplayName") or f"Product {pid}",
        brand=brand,
        brand_raw=brand,
        list_price=list_price,
        sizes=_sizes(data.get("styleOptions"), norm),
        gender=pick("gender"),
        master_category=pick("masterCategory"),
        sub_category=pick("subCategory"),
        article_type=norm.article_type(pick("articleType")),
        base_colour=norm.colour(row.get("baseColour") or data.get("baseColour")),
        season=pick("season"),
        usage=norm.usage_value(row.get("usage") or data.get("usage")),
        year=_to_int(pick("year")),
        price=price,
        description=description,
        attributes=norm.attributes_of(data.get("articleAttributes") or {}),
        raw_attributes={str(k): str(v) for k, v in (data.get("articleAttributes") or {}).items()},
    )


def _prices(data: dict) -> tuple[float | None, float | None]:
    """(list price, price paid): ``discountedPrice`` is paid when it is below ``price``."""
    listed = _to_float(data.get("price"))
    discounted = _to_float(data.get("discountedPrice"))
    if listed is None or listed < 0:
        return None, None
    paid = discounted if discounted is not None and 0 < discounted < listed else listed
    return listed, paid


def _sizes(options, norm: Normalizer) -> list[str]:
    """The sizes a product is offered in (``styleOptions`` named "Size"), in source order, once
    each. The ``available`` flags are a stale snapshot and are ignored."""
    out: list[str] = []
    for option in options if isinstance(options, list) else []:
        if not isinstance(option, dict) or str(option.get("name", "Size")).strip().lower() != "size":
            continue
        value = norm.clean(option.get("value"))
        if value and len(value) <= 20 and value not in out:
            out.append(value)
    return out


def unify_brands(records: list[ProductRecord]) -> None:
    """Give every brand one spelling across the records (``brand_raw`` keeps the source's)."""
    from .brands import display_spellings

    shown = display_spellings(r.brand_raw for r in records if r.brand_raw)
    for record in records:
        record.brand = shown.get(record.brand_raw) if record.brand_raw else None


@dataclass
class SourceScan:
    """What reading a source folder produced: records, skipped products, counts."""

    records: list[ProductRecord]
    skipped: list[Skip]
    rows_read: int  # CSV rows plus JSON-only products


def scan_source(source: Path, norm: Normalizer, skip_bad_rows: bool = False,
                progress=None) -> SourceScan:
    """Read and validate a whole source folder. Malformed rows raise SourceError unless
    ``skip_bad_rows``; products without a readable image are skipped and reported."""
    source = Path(source)
    csv_path = source / "styles.csv"
    if not source.is_dir():
        raise SourceError(source, None, "not a folder")
    if not csv_path.exists() and not (source / "styles.jsonl.gz").exists() and not (source / "styles").is_dir():
        raise SourceError(source, None, "no styles.csv, styles.jsonl.gz or styles/ folder")
    skipped: list[Skip] = []

    def bad(exc: SourceError):
        if not skip_bad_rows:
            raise exc
        skipped.append(Skip(id="?", reason="malformed row", detail=str(exc)))

    rows: dict[int, dict] = {}
    if csv_path.exists():
        for line, row in read_styles_csv(csv_path, on_error=bad):
            pid = int(row["id"])
            if pid in rows:
                bad(SourceError(csv_path, line, f"duplicate id {pid}"))
                continue
            rows[pid] = row
    datas = {data["id"]: data for _, _, data in read_styles_json(source, on_error=bad)}
    ids = sorted(set(rows) | set(datas))
    records = []
    for pid in (progress(ids, "Reading products") if progress else ids):
        record = build_record(pid, rows.get(pid), datas.get(pid), norm)
        image = source / "images" / f"{pid}.jpg"
        try:
            record.image_width, record.image_height, record.image_mode = probe_image(image)
        except ValueError as exc:
            skipped.append(Skip(id=pid, reason=str(exc).split(":")[0], detail=str(image)))
            continue
        record.image_path = f"images/{pid}.jpg"
        records.append(record)
    unify_brands(records)
    return SourceScan(records=records, skipped=skipped, rows_read=len(ids))
