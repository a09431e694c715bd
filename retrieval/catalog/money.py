"""Prices in Indian rupees: shoppers' amounts ("2k", "Rs 800", "₹1,500") and how prices read.

The catalogue's prices are INR. ``parse_amount`` reads one amount; words such as "cheap" and
"cheaper" are not amounts (``retrieval.query.filters`` handles them against the catalogue and what
was just shown).
"""
from __future__ import annotations

import re

MAX_AMOUNT = 10_000_000.0  # anything above is not a price a shopper means
_AMOUNT = re.compile(r"(?:rs\.?|inr|₹|rupees?)?\s*(\d{1,3}(?:,\d{2,3})+|\d+(?:\.\d+)?)\s*(k|thousand|lakh|lac)?"
                     r"\s*(?:rs\.?|inr|₹|rupees?|/-)?", re.IGNORECASE)
_UNITS = {"k": 1_000, "thousand": 1_000, "lakh": 100_000, "lac": 100_000}


_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50}
_SPELT = re.compile(rf"\b({'|'.join(_NUMBERS)})\s+(?:(hundred)|(thousand|grand|k))\b")


def digits_for_words(text: str) -> str:
    """``text`` with amounts spelt in words written in digits, each padded to its words' length
    so that positions stay ("under a thousand" -> "under 1000      ", "five hundred" -> "500 ...")."""
    def spelt(match: re.Match) -> str:
        value = _NUMBERS[match.group(1)] * (100 if match.group(2) else 1000)
        return str(value).ljust(len(match.group()))
    return _SPELT.sub(spelt, text)


def parse_amount(text) -> float | None:
    """The amount in rupees named by ``text`` (a number or a string like "2k", "Rs 800",
    "₹1,500", "1.5 thousand"); None when it names none or an absurd one."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        match = _AMOUNT.search(str(text)[:40])
        if not match:
            return None
        value = float(match.group(1).replace(",", ""))
        if match.group(2):
            value *= _UNITS[match.group(2).lower()]
    return value if 0 <= value <= MAX_AMOUNT else None


def rupees(amount: float) -> str:
    """"₹1,299" (Indian digit grouping: ₹1,23,456)."""
    whole = int(round(amount))
    digits = str(abs(whole))
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        head = ",".join(re.findall(r"\d{1,2}(?=(?:\d{2})*$)", head))
        digits = f"{head},{tail}"
    return f"{'-' if whole < 0 else ''}₹{digits}"
