"""Two or three shown products side by side: their facts, the concepts where they differ (the
EI tree's groups, the model's most likely value in each) and, for "which is cheaper / more
formal / lighter?", a one-line answer decided by what ``data/compare.yaml`` says the question
asks (price, discount, a concept's probability, the colour's lightness).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from retrieval.catalog.money import rupees
from .search import Ranker

SKIP_GROUPS = {"gender"}  # never a difference worth a row between products shown for one search
MIN_PROB = 0.5  # a group's value counts for a product from this probability


@dataclass
class Question:
    key: str
    by: str  # price, discount, concept, lightness
    best: str  # min or max
    words: list[str]
    concept: str | None = None
    says: str = ""  # how the answer puts it: "is cheaper"


class CompareWords:
    """The reviewed questions and the colours' lightness order of ``data/compare.yaml``."""

    def __init__(self, questions: list[Question], lightness: list[str], asking: list[str] = ()):
        self.questions, self.lightness = questions, {c: i for i, c in enumerate(lightness)}
        self.asking = {w.lower() for w in asking}
        forms = sorted(((w.lower(), q) for q in questions for w in q.words), key=lambda f: -len(f[0]))
        self._forms = forms

    @classmethod
    def load(cls, path: Path) -> "CompareWords":
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        questions = [Question(key=q["key"], by=q["by"], best=q.get("best", "max"),
                              words=[str(w) for w in q.get("words") or []], concept=q.get("concept"),
                              says=str(q.get("says") or q["key"]))
                     for q in raw.get("questions") or []]
        return cls(questions, [str(c) for c in raw.get("colour_lightness") or []],
                   [str(w) for w in raw.get("asking_words") or []])

    def asks(self, text: str) -> bool:
        """Whether a text asks to compare ("which is cheaper", "1 or 2", "compare them")."""
        return bool(set(re.findall(r"[a-z]+", str(text or "").lower())) & self.asking)

    def question_in(self, text: str) -> Question | None:
        """The "which is ...?" question a text asks, the longest matching words first."""
        lowered = str(text or "").lower()
        for form, question in self._forms:
            if re.search(rf"\b{re.escape(form)}\b", lowered):
                return question
        return None

    def darkness(self, colour: str | None) -> float:
        """0 (white) to 1 (black); 0.5 for a colour the order does not list."""
        if colour not in self.lightness:
            return 0.5
        return self.lightness[colour] / max(len(self.lightness) - 1, 1)


class Comparer:
    """Compares indexed products (rows of one ``Ranker``'s vectors)."""

    def __init__(self, ranker: Ranker, table, words: CompareWords):
        self.ranker, self.table, self.words, self.tree = ranker, table, words, ranker.tree

    def values_by_group(self, row: int) -> dict[str, dict]:
        """Group -> the product's most likely concept of it (info with ``prob``), categories and
        values alike; groups it has no confident concept of are left out."""
        probs = self.ranker.vectors.concept_probs[row]
        out: dict[str, dict] = {}
        for info in self.ranker.top_concepts(probs, limit=40):
            group = info["group"]
            if group not in SKIP_GROUPS and info.get("prob", 0) >= MIN_PROB and group not in out:
                out[group] = info
        return out

    def differences(self, rows: list[int]) -> tuple[list[dict], list[dict]]:
        """(groups where the products differ, groups where they agree): each
        ``{"group", "values": [{"name", "prob"} or None per product]}``."""
        per_item = [self.values_by_group(r) for r in rows]
        groups: list[str] = []
        for values in per_item:
            groups += [g for g in values if g not in groups]
        differ, agree = [], []
        for group in groups:
            values = [v.get(group) for v in per_item]
            names = [v["name"] if v else None for v in values]
            row = {"group": group, "values": [{"name": v["name"], "concept": v["concept"], "prob": v.get("prob")}
                                              if v else None for v in values]}
            (agree if len(set(names)) == 1 and names[0] is not None else differ).append(row)
        return differ, agree

    def answer(self, question: Question, rows: list[int], ranks: list[int]) -> dict:
        """Which product answers the question, and the values that decide it."""
        table = self.table
        if question.by == "price":
            values = [float(table.price[r]) for r in rows]
            shown = [rupees(v) if not np.isnan(v) else "no price" for v in values]
        elif question.by == "discount":
            off = table.discount()
            values = [float(off[r]) for r in rows]
            shown = [f"{round(100 * v)}% off" for v in values]
        elif question.by == "concept" and question.concept in self.tree.index:
            column = self.tree.index[question.concept]
            values = [float(self.ranker.vectors.concept_probs[r][column]) for r in rows]
            name = self.ranker.concept_info(question.concept)["name"]
            shown = [f"{round(100 * v)}% {name.lower()}" for v in values]
        else:  # lightness
            values = [-self.words.darkness(table.colours[r]) for r in rows]
            shown = [str(table.colours[r] or "no colour") for r in rows]
        clean = [(-np.inf if np.isnan(v) else v) if question.best == "max" else (np.inf if np.isnan(v) else v)
                 for v in values]
        pick = int(np.argmax(clean) if question.best == "max" else np.argmin(clean))
        tie = sum(1 for v in clean if v == clean[pick]) > 1
        return {"question": question.key, "says": question.says, "by": question.by, "winner": None if tie else ranks[pick],
                "winner_name": None if tie else table.names[rows[pick]], "values": shown, "ranks": ranks}
