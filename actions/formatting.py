"""Pure reply builders: engine answers in, keyword arguments of ``dispatcher.utter_message`` out.

The sentences themselves are responses in ``bot/domain.yml``; this module fills their
variables (descriptions, captions, buttons) and builds the ``products`` custom payload.
"""
from __future__ import annotations

import json
from collections import Counter

ADJECTIVE_ORDER = ("usage", "colour", "pattern", "print", "fabric", "material", "fit", "rise", "sleeve",
                   "sleeve_style", "neck", "collar", "length", "ankle", "fastening", "style", "display", "sport")
HYPHENATED = {"sleeve", "sleeve_style", "neck", "collar", "fit"}
CATEGORY_GROUPS = ("master", "sub", "type")
UNCOUNTABLE_ENDINGS = ("wear", "jewellery", "makeup", "care", "gear", "goods", "items", "accessories")


def payload(intent: str, **entities) -> str:
    """A button payload that Rasa parses without NLU: ``/intent{"entity": "value"}``."""
    return f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"


def plural(name: str) -> str:
    """Plural of a category name in lower case ("Dress" -> "dresses", "Topwear" stays)."""
    word = name.lower()
    if word.endswith(UNCOUNTABLE_ENDINGS) or (word.endswith("s") and not word.endswith("ss")):
        return word
    return word + ("es" if word.endswith(("ss", "sh", "ch", "x")) else "s")


def _adjective(concept: dict) -> str:
    name = concept["name"].split(" (")[0].lower()
    if concept["group"] in HYPHENATED:
        name = name.replace(" sleeves", " sleeve").replace(" ", "-")
    return name


def describe(query: dict) -> str:
    """What a query asks for, in words: "casual navy blue long-sleeve shirts for men, not checked"."""
    include = _unique(query.get("include", []))
    categories = [c for c in include if c["group"] in CATEGORY_GROUPS]
    noun = plural(categories[-1]["name"].split(" (")[0]) if categories else "items"
    rank = {g: i for i, g in enumerate(ADJECTIVE_ORDER)}
    adjectives = sorted((c for c in include if c["group"] in rank), key=lambda c: rank[c["group"]])
    words = [_adjective(c) for c in adjectives] + [noun]
    for group in ("gender", "season"):
        words += [f"for {c['name'].lower()}" for c in include if c["group"] == group]
    text = " ".join(words)
    excluded = _unique(query.get("exclude", []))
    if excluded:
        text += ", not " + " or ".join(c["name"].split(" (")[0].lower() for c in excluded)
    return text


def _unique(concepts: list[dict]) -> list[dict]:
    """One entry per name (a value shared by several categories appears once)."""
    seen, out = set(), []
    for concept in concepts:
        key = (concept.get("group"), concept["name"].split(" (")[0])
        if key not in seen:
            seen.add(key)
            out.append(concept)
    return out


def caption(item: dict, rank: int) -> str:
    """"2. Locomotive Men Navy Blue Shirt  ✓ Shirts ✓ Navy Blue ✗ Long Sleeves"."""
    marks = [f"✓ {m['name']}" for m in _unique(item.get("matched", []))]
    marks += [f"✗ {m['name']}" for m in _unique(item.get("missed", []))]
    marks += [f"✗ not {m['name']}" for m in _unique(item.get("excluded_present", []))]
    return f"{rank}. {item['name']}" + (f"  {' '.join(marks)}" if marks else "")


def products_payload(body: dict, offset: int, shown: int) -> dict:
    """The custom payload clients and tests read: the shown items, exactly."""
    items = [{"id": item["id"], "name": item["name"], "image_url": item["image_url"],
              "matched": [{"concept": m["concept"], "name": m["name"]} for m in item.get("matched", [])],
              "missed": [{"concept": m["concept"], "name": m["name"]} for m in item.get("missed", [])],
              "score": item.get("score")} for item in body.get("items", [])[:shown]]
    query = body.get("query", {})
    return {"type": "products", "items": items, "total": body.get("total"), "offset": offset,
            "query": {"include": [c["concept"] for c in query.get("include", [])],
                      "exclude": [c["concept"] for c in query.get("exclude", [])],
                      "like": query.get("like"), "image_id": query.get("image_id")}}


def split_buttons(items: list[dict], query: dict, limit: int = 3) -> list[dict]:
    """Quick replies with the concepts that best split the results (closest to half of them),
    at most one per concept group, skipping groups the shopper already set."""
    asked = {c["concept"] for c in query.get("include", []) + query.get("exclude", [])}
    asked_groups = {c["group"] for c in query.get("include", [])}
    counts: Counter = Counter()
    info: dict[str, dict] = {}
    for item in items:
        for concept in item.get("top_concepts", []):
            if concept["concept"] not in asked and concept["group"] not in asked_groups | {"season", "master", "sub"}:
                counts[concept["concept"]] += 1
                info[concept["concept"]] = concept
    if len(items) < 2:
        return []
    ranked = sorted(counts, key=lambda c: (abs(counts[c] / len(items) - 0.5), -counts[c], c))
    buttons, groups = [], set()
    for cid in ranked:
        share = counts[cid] / len(items)
        if not 0.15 <= share <= 0.85 or info[cid]["group"] in groups:
            continue
        groups.add(info[cid]["group"])
        buttons.append({"title": info[cid]["name"], "payload": payload("refine", concept=cid)})
        if len(buttons) == limit:
            break
    return buttons


def nav_buttons(has_more: bool) -> list[dict]:
    buttons = [{"title": "Show more", "payload": payload("show_more")}] if has_more else []
    return buttons + [{"title": "Start over", "payload": payload("start_over")}]


def results_messages(body: dict, offset: int, shown: int, reference: dict | None = None,
                     image_search: bool = False) -> list[dict]:
    """The whole reply to a search: summary, one captioned image per product, the products
    payload and quick replies."""
    items = body.get("items", [])[:shown]
    query = body.get("query", {})
    description = describe(query)
    if offset:
        summary = {"response": "utter_results_more", "count": len(items), "description": description,
                   "first": offset + 1, "last": offset + len(items)}
    elif reference:
        summary = {"response": "utter_results_like", "count": len(items), "description": description,
                   "reference": reference["name"]}
    elif image_search:
        summary = {"response": "utter_results_image", "count": len(items), "description": description}
    else:
        summary = {"response": "utter_results", "count": len(items), "description": description}
    summary["total"] = body.get("total", 0)
    messages = [summary]
    for rank, item in enumerate(items, start=offset + 1):
        messages.append({"response": "utter_product", "caption": caption(item, rank), "image_url": item["image_url"]})
    messages.append({"json_message": products_payload(body, offset, shown)})
    has_more = len(body.get("items", [])) > shown
    messages.append({"response": "utter_refine_hint",
                     "buttons": split_buttons(body.get("items", []), query) + nav_buttons(has_more)})
    return messages


def no_results_messages(body: dict) -> tuple[list[dict], dict | None]:
    """Nothing meets every request: name the constraint that empties the list and offer to drop
    it. Returns the messages and the pending question (the concept to drop on "yes")."""
    query = body.get("query", {})
    description = describe(query)
    blocking = body.get("blocking") or []
    if blocking:
        top = blocking[0]
        buttons = [{"title": f"Drop {b['name']}", "payload": payload("drop", concept=b["concept"])}
                   for b in blocking[:3]] + nav_buttons(False)
        return [{"response": "utter_no_results_blocking", "description": description, "blocker": top["name"],
                 "without": top["results_without_it"], "buttons": buttons}], \
            {"kind": "drop", "concept": top["concept"], "name": top["name"]}
    asked = _unique(query.get("include", []) + query.get("exclude", []))
    buttons = [{"title": f"Drop {c['name']}", "payload": payload("drop", concept=c["concept"])}
               for c in asked[:3]] + nav_buttons(False)
    return [{"response": "utter_no_results", "description": description, "buttons": buttons}], None


def suggestion_messages(term: str, suggestions: list[str]) -> list[dict]:
    """Ask which known concept an unknown word meant, with the closest ones as buttons."""
    if not suggestions:
        return [{"response": "utter_unknown_concept_none", "term": term}]
    buttons = [{"title": name, "payload": payload("choose", concept=name)} for name in suggestions[:4]]
    return [{"response": "utter_unknown_concept", "term": term, "buttons": buttons}]


def explain_messages(item: dict, details: dict | None, concept: str | None, heatmap_url: str | None) -> list[dict]:
    """Why an item is where it is: requests met (✓) and missed (✗), the score's parts, what
    else the model sees in it, and a heatmap when a concept was named."""
    matched = ", ".join(f"✓ {m['name']}" for m in _unique(item.get("matched", []))) or "none of your requests"
    missed = _unique(item.get("missed", []))
    parts = item.get("score_parts") or {}
    messages = [{"response": "utter_explain", "rank": item["rank"], "name": item["name"], "matched": matched,
                 "missed": (" It misses " + ", ".join(f"✗ {m['name']}" for m in missed) + ".") if missed else "",
                 "score": f"{item.get('score') or 0:.1f}",
                 "parts": ", ".join(f"{k} {v:+.1f}" for k, v in parts.items())}]
    if details:
        asked = {m["concept"] for m in item.get("matched", []) + item.get("missed", [])}
        seen = [c["name"] for c in details.get("top_concepts", []) if c["concept"] not in asked]
        if seen:
            messages.append({"response": "utter_explain_sees", "concepts": ", ".join(seen[:6])})
    if concept and heatmap_url:
        messages.append({"response": "utter_heatmap", "concept": concept, "rank": item["rank"],
                         "heatmap_url": heatmap_url})
    return messages
