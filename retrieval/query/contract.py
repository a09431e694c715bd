"""The engine's HTTP contract for the bot (``POST /query``) and the stateless search, with the
bounds every field is checked against: nothing a client sends reaches the engine unchecked.

A turn is ``{"state": <the state the engine last returned, or null>, "edit": {...},
"page_size": 5}``. The edit says what the shopper did (``op``), with the words as said
(``text``) and the NLU's ``entities`` (``{entity, value, role, start, end}``); the engine reads
them (``retrieval/query/understand.py``) and answers with the new ``state``, the page of ``items``,
``total``, ``has_more``, a ``summary`` of what the page's items meet, the ``query`` in words,
``notes`` (typos corrected, constraints dropped) and a ``question`` to ask, if any.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .edits import OPS
from .state import SORTS

MAX_ID = 2 ** 63 - 1  # product ids are int64
MAX_TEXT = 1000  # characters of a turn's text (the bot's channels cap messages well below)
ProductId = Annotated[int, Field(ge=0, le=MAX_ID)]
Term = Annotated[str, StringConstraints(max_length=100)]
ImageId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Op = Literal[OPS]  # type: ignore[valid-type]


class EntityIn(BaseModel):
    """One entity as the NLU found it (extra keys such as ``confidence_entity`` are ignored)."""

    model_config = ConfigDict(extra="ignore")
    entity: Annotated[str, StringConstraints(max_length=40)]
    value: Union[Annotated[str, StringConstraints(max_length=200)], int, float]
    role: Optional[Annotated[str, StringConstraints(max_length=40)]] = None
    start: Optional[Annotated[int, Field(ge=0, le=MAX_TEXT)]] = None
    end: Optional[Annotated[int, Field(ge=0, le=MAX_TEXT)]] = None
    extractor: Optional[Annotated[str, StringConstraints(max_length=80)]] = None


class EditIn(BaseModel):
    """What the shopper did this turn."""

    op: Op = "search"
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] = ""
    entities: list[EntityIn] = Field(default_factory=list, max_length=60)
    image_id: Optional[ImageId] = None
    ordinal: Optional[Annotated[int, Field(ge=-1, le=MAX_ID)]] = None
    page: Literal["next", "first", "previous"] = "next"


class FiltersIn(BaseModel):
    price_min: Optional[Annotated[float, Field(ge=0, le=1e7)]] = None
    price_max: Optional[Annotated[float, Field(ge=0, le=1e7)]] = None
    brands: list[Term] = Field(default_factory=list, max_length=30)
    not_brands: list[Term] = Field(default_factory=list, max_length=30)
    sizes: list[Term] = Field(default_factory=list, max_length=30)
    on_sale: bool = False


class PendingIn(BaseModel):
    """An open question kept in the state: which concept an unknown word meant, or whether to
    drop what empties the results."""

    kind: Literal["unknown", "drop"]
    term: Optional[Term] = None
    suggestions: list[Term] = Field(default_factory=list, max_length=10)
    op: Optional[Op] = None
    turn: Optional[EditIn] = None
    target: Optional[dict[Literal["concept", "filter"], Optional[Term]]] = None
    name: Optional[Annotated[str, StringConstraints(max_length=200)]] = None


class StateIn(BaseModel):
    """A query state as the engine returned it."""

    like: Optional[ProductId] = None
    image_id: Optional[ImageId] = None
    text: Optional[Annotated[str, StringConstraints(max_length=MAX_TEXT)]] = None
    include: list[Term] = Field(default_factory=list, max_length=60)
    exclude: list[Term] = Field(default_factory=list, max_length=200)
    filters: FiltersIn = Field(default_factory=FiltersIn)
    sort: Literal[SORTS] = "relevance"  # type: ignore[valid-type]
    offset: Annotated[int, Field(ge=0, le=1000)] = 0
    shown: list[ProductId] = Field(default_factory=list, max_length=50)
    pending: Optional[PendingIn] = None
    focus: Optional[ProductId] = None
    implied: list[Term] = Field(default_factory=list, max_length=60)


class QueryRequest(BaseModel):
    state: Optional[StateIn] = None
    edit: EditIn
    page_size: Annotated[int, Field(ge=1, le=20)] = 5


class SearchRequest(BaseModel):
    """A stateless search: free text and/or a reference, plus concept edits."""

    text: Optional[Annotated[str, StringConstraints(max_length=MAX_TEXT)]] = Field(
        None, description="Free text, e.g. 'red summer dress'")
    like: Optional[ProductId] = Field(None, description="Reference product id")
    image_id: Optional[Annotated[str, StringConstraints(max_length=64)]] = Field(
        None, description="Reference photo from POST /images")
    include: list[Term] = Field(default_factory=list, max_length=30, description="Concepts by id or name")
    exclude: list[Term] = Field(default_factory=list, max_length=30, description="Concepts by id or name")
    k: Annotated[int, Field(ge=1, le=100)] = 10
    offset: Annotated[int, Field(ge=0, le=1000)] = 0
