"""What one bot turn shows, independent of the channel that draws it (pure functions).

Rasa hands a channel the turn's messages one by one (``OutputChannel.send_response``). The
project's channels collect them and draw the turn at once, from these blocks:

- ``TextBlock``: a text, with quick-reply buttons when it has any;
- ``CardsBlock``: a result set, from the bot's ``products`` custom payload
  (``{"type": "products", "items": [{id, rank, name, image_url, facts, matched, missed, filters}],
  "offset"}``; ``facts`` is the brand, price and sizes in words, written by the actions);
  each product becomes a ``Card`` with the buttons "More like this", "Why?" and "Details" (a
  look's cards also say why they go with the product);
- ``ImageBlock``: a photo with its caption (a heatmap, or a product the bot sent without a
  payload).

A photo message whose URL is also on a card of the same turn is left out: the card shows it.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PRODUCTS = "products"
MAX_PAYLOAD_BYTES = 64  # Telegram's limit on callback data; the web chat uses the same payloads
CATEGORY_GROUPS = ("master", "sub", "type")


def payload(intent: str, **entities: Any) -> str:
    """A message Rasa parses without NLU: ``/intent{"entity":"value"}`` (compact JSON)."""
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{intent}"


def fits(text: str, limit: int = MAX_PAYLOAD_BYTES) -> bool:
    return len(text.encode("utf-8")) <= limit


def concept_names(concepts: Iterable[dict]) -> list[str]:
    """Display names, once each ("Red (Dresses)" and "Red (Tops)" are both "Red")."""
    names: list[str] = []
    for concept in concepts:
        name = str(concept.get("name") or concept.get("concept") or "").split(" (")[0]
        if name and name not in names:
            names.append(name)
    return names


@dataclass
class Button:
    title: str
    payload: str


@dataclass
class Card:
    """One product of a result set; ``rank`` is its position in the search (what "the 2nd" names)."""

    rank: int
    id: int
    name: str
    image_url: str
    matched: list[str] = field(default_factory=list)  # concept names the product meets
    missed: list[str] = field(default_factory=list)  # requested concept names it does not meet
    why_concepts: list[str] = field(default_factory=list)  # concept ids "Why?" may draw, preferred first
    facts: str = ""  # "Nike · ₹799 (₹̶9̶9̶9̶ 20% off) · sizes S, M, L", written by the actions
    filters: list[str] = field(default_factory=list)  # how it meets the filters: "₹799, within your ₹1,000"
    why: str = ""  # in a look: why it goes with the product ("The catalogue pairs kurtas with leggings ...")

    @property
    def title(self) -> str:
        return f"{self.rank}. {self.name}"

    @property
    def concepts(self) -> str:
        """"✓ Dresses ✓ Red ✗ Long Sleeves ✓ under ₹1,000", or "" when nothing was asked."""
        return " ".join([f"✓ {name}" for name in self.matched] + [f"✗ {name}" for name in self.missed]
                        + [f"✓ {text}" for text in self.filters])

    @property
    def details(self) -> str:
        """The facts and the concepts, one per line (a card's subtitle)."""
        return "\n".join(part for part in (self.facts, self.concepts, self.why) if part)

    @property
    def caption(self) -> str:
        return f"{self.title}\n{self.details}" if self.details else self.title

    @property
    def buttons(self) -> list[Button]:
        """"More like this" and "Why?", with the heatmap of the preferred matched concept whose
        payload stays within MAX_PAYLOAD_BYTES."""
        why = payload("explain", ordinal=self.rank)
        for concept in self.why_concepts:
            if fits(payload("explain", ordinal=self.rank, concept=concept)):
                why = payload("explain", ordinal=self.rank, concept=concept)
                break
        return [Button("More like this", payload("more_like", ordinal=self.rank)), Button("Why?", why),
                Button("Details", payload("details", ordinal=self.rank))]


def cards_from_payload(products: dict) -> list[Card]:
    """The cards of a ``products`` payload, ranked from its ``offset``."""
    offset = int(products.get("offset") or 0)
    cards = []
    for position, item in enumerate(products.get("items") or []):
        matched = item.get("matched") or []
        cards.append(Card(rank=int(item.get("rank") or offset + position + 1), id=int(item["id"]),
                          name=str(item.get("name", item["id"])), image_url=str(item.get("image_url") or ""),
                          matched=concept_names(matched), missed=concept_names(item.get("missed") or []),
                          why_concepts=why_concepts(matched), facts=str(item.get("facts") or ""),
                          filters=[str(f) for f in item.get("filters") or []], why=str(item.get("why") or "")))
    return cards


def why_concepts(matched: list[dict]) -> list[str]:
    """The matched requests whose heatmap "Why?" may show, preferred first: the parts and
    attributes the shopper asked for (long sleeves, a v-neck, red), then categories, which cover
    the whole product."""
    parts = [m for m in matched if m.get("group") not in CATEGORY_GROUPS]
    return [str(m["concept"]) for m in parts + [m for m in matched if m not in parts] if m.get("concept")]


@dataclass
class TextBlock:
    text: str
    buttons: list[Button] = field(default_factory=list)


@dataclass
class CardsBlock:
    cards: list[Card]


@dataclass
class ImageBlock:
    url: str
    caption: str = ""


Block = TextBlock | CardsBlock | ImageBlock


def _buttons(message: dict) -> list[Button]:
    raw = message.get("buttons") or message.get("quick_replies") or []
    return [Button(str(b.get("title", "")), str(b.get("payload", b.get("title", "")))) for b in raw
            if isinstance(b, dict) and b.get("title")]


def is_products(custom: Any) -> bool:
    return isinstance(custom, dict) and custom.get("type") == PRODUCTS and isinstance(custom.get("items"), list)


def plan_turn(messages: list[dict]) -> list[Block]:
    """The blocks one turn shows, in the order the bot sent them.

    ``messages`` are what Rasa passes to ``send_response`` (keys ``text``, ``image``,
    ``buttons``/``quick_replies``, ``custom``, ...). Photo messages repeated by a card of the
    same turn are dropped with their caption; other custom payloads are ignored."""
    on_cards = {item.get("image_url") for m in messages if is_products(m.get("custom"))
                for item in m["custom"]["items"]}
    blocks: list[Block] = []
    for message in messages:
        text = (message.get("text") or "").strip()
        image = message.get("image") or ""
        if isinstance(message.get("attachment"), dict):
            src = (message["attachment"].get("payload") or {}).get("src")
            image = image or (src if message["attachment"].get("type") == "image" else "")
        if image:
            if image not in on_cards:
                blocks.append(ImageBlock(image, text))
        elif text:
            blocks.append(TextBlock(text, _buttons(message)))
        elif _buttons(message):
            blocks.append(TextBlock("", _buttons(message)))
        if is_products(message.get("custom")):
            cards = cards_from_payload(message["custom"])
            if cards:
                blocks.append(CardsBlock(cards))
    return blocks
