"""Sizes: the catalogue's ``styleOptions`` as comparable keys, and shoppers' words for sizes.

The catalogue lists the sizes a product comes in: letters (S, M, XL), shoe sizes (UK7, EURO41,
US8.5), waists and chests (32, 34B), kids' ages (8Y), volumes (100ML) and "Onesize". Their
``available`` flags are a stale snapshot (almost all false), so a listed size counts as
*offered*, never as in stock.

``size_key`` makes catalogue values comparable ("Onesize" = "ONESIZE", "EURO41" = "EU41");
``parse_size`` turns what a shopper says ("size m", "uk 10", "euro 41", "extra large", "9") into
the keys it may mean: a bare shoe number matches UK, US and EU sizes of that number.
"""
from __future__ import annotations

import re

ONE_SIZE = "ONESIZE"
LETTER_WORDS = {
    "xxs": "XXS", "extra extra small": "XXS", "xs": "XS", "extra small": "XS", "x small": "XS", "s": "S",
    "small": "S", "m": "M", "medium": "M", "l": "L", "large": "L", "xl": "XL", "extra large": "XL",
    "x large": "XL", "xxl": "XXL", "2xl": "XXL", "double xl": "XXL", "extra extra large": "XXL",
    "xxxl": "XXXL", "3xl": "XXXL", "triple xl": "XXXL",
}
ONE_SIZE_WORDS = {"onesize", "one size", "free size", "freesize", "one size fits all"}
SYSTEMS = {"uk": "UK", "us": "US", "usa": "US", "eu": "EU", "euro": "EU", "eur": "EU"}
MAX_SIZE_CHARS = 20


def size_key(raw: str) -> str:
    """The comparable form of a catalogue size: upper case, no spaces, EURO as EU."""
    key = re.sub(r"\s+", "", str(raw).upper())
    if key in {"ONESIZE", "FREESIZE", "FREE", "ONESIZEFITSALL"}:
        return ONE_SIZE
    return re.sub(r"^EURO?", "EU", key)


def parse_size(text: str) -> list[str]:
    """Size keys a shopper's words may mean; [] when the words are not a size.

    "m" / "medium" -> ["M"]; "uk 10" -> ["UK10"]; "euro 41" -> ["EU41"]; "9" -> ["9", "UK9",
    "US9", "EU9"]; "32b" -> ["32B"]; "free size" -> ["ONESIZE"]."""
    words = re.sub(r"[^a-z0-9. ]+", " ", str(text).lower()[:MAX_SIZE_CHARS * 3])
    if re.sub(r"\s+", " ", words).strip() in ONE_SIZE_WORDS:
        return [ONE_SIZE]
    words = re.sub(r"\b(size|sizes|in|a|an|the|of|number|no)\b", " ", words)
    words = re.sub(r"\s+", " ", words).strip().replace("-", " ")
    if not words or len(words) > MAX_SIZE_CHARS:
        return []
    if words in LETTER_WORDS:
        return [LETTER_WORDS[words]]
    system = re.fullmatch(r"(uk|us|usa|eu|euro|eur) ?(\d{1,2}(?:\.5)?)", words)
    if system:
        return [f"{SYSTEMS[system.group(1)]}{system.group(2)}"]
    number = re.fullmatch(r"\d{1,3}(?:\.5)?", words)
    if number:
        return [words, f"UK{words}", f"US{words}", f"EU{words}"]
    coded = re.fullmatch(r"(\d{2,3}) ?([a-h]{1,2}|y|m|ml)", words)
    if coded:
        return [f"{coded.group(1)}{coded.group(2).upper()}"]
    return []


def display_size(key: str) -> str:
    """How a size key reads on a card ("EU41" -> "EU 41", "ONESIZE" -> "One size")."""
    if key == ONE_SIZE:
        return "One size"
    match = re.fullmatch(r"(UK|US|EU)(\d.*)", key)
    return f"{match.group(1)} {match.group(2)}" if match else key
