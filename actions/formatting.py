"""Pure reply builders: the engine's answer to a turn in, keyword arguments of
``dispatcher.utter_message`` out.

The sentences are responses in ``bot/domain.yml``; this module fills their variables. A header
states only what every product on the page satisfies (the engine's page ``summary`` counts,
per request, the products that meet it) and says how many meet the rest.
"""
from __future__ import annotations

import json
from collections import Counter

ADJECTIVE_ORDER = ("usage", "colour", "pattern", "print", "fabric", "material", "fit", "rise", "sleeve",
                   "sleeve_style", "neck", "collar", "length", "ankle", "fastening", "style", "display", "sport")
HYPHENATED = {"sleeve", "sleeve_style", "neck", "collar", "fit"}
CATEGORY_GROUPS = ("master", "sub", "type")
UNCOUNTABLE_ENDINGS = ("wear", "jewellery", "makeup", "care", "gear", "goods", "items", "accessories")
STRIKE = "\u0336"  # combining long stroke: a struck-through list price in plain text
MAX_SIZES_SHOWN = 8
QUESTION_RESPONSES = {
    "what_change": "utter_ask_refine", "ask_what": "utter_ask_what", "need_results": "utter_need_results",
    "no_such_item": "utter_no_such_item", "no_more": "utter_no_more", "nothing_found": "utter_nothing_found",
    "nothing_to_drop": "utter_nothing_to_drop", "started_over": "utter_started_over",
    "affirm_nothing": "utter_affirm_nothing", "deny": "utter_deny", "ask_image": "utter_ask_image",
}


def payload(intent: str, **entities) -> str:
    """A button payload that Rasa parses without NLU: ``/intent{"entity": "value"}``."""
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{intent}"


def plural(name: str) -> str:
    """Plural of a category name in lower case ("Dress" -> "dresses", "Topwear" stays)."""
    word = name.lower()
    if word.endswith(UNCOUNTABLE_ENDINGS) or (word.endswith("s") and not word.endswith("ss")):
        return word
    return word + ("es" if word.endswith(("ss", "sh", "ch", "x")) else "s")


def struck(text: str) -> str:
    return "".join(ch + STRIKE for ch in text)


# ---------------------------------------------------------------------------- describing a query
def _adjective(concept: dict) -> str:
    name = concept["name"].lower()
    if concept["group"] in HYPHENATED:
        name = name.replace(" sleeves", " sleeve").replace(" ", "-")
    return name


def describe(query: dict, summary: dict | None = None) -> tuple[str, str]:
    """(what every shown product is, what only some are): ("casual navy blue shirts for men
    under ₹2,000", "3 of them long-sleeve"). Without a summary, the query as asked."""
    include = query.get("include", [])
    filters = query.get("filters", [])
    if summary:
        shown = summary.get("shown", 0)
        met = {r["concept"]: r["met"] for r in summary.get("include", [])}
        every = [c for c in include if met.get(c["concept"], shown) >= shown]
        partial = [c for c in include if c not in every]
        filter_met = {f["filter"]: f["met"] for f in summary.get("filters", []) if "filter" in f}
        missed = [f for f in filters if filter_met.get(f.get("filter"), shown) < shown]  # a budget given way
        filters = [f for f in filters if f not in missed]
    else:
        every, partial, shown, met, missed = include, [], 0, {}, []
    categories = [c for c in every if c["group"] in CATEGORY_GROUPS]
    noun = plural(categories[-1]["name"]) if categories else "items"
    rank = {g: i for i, g in enumerate(ADJECTIVE_ORDER)}
    adjectives = sorted((c for c in every if c["group"] in rank), key=lambda c: rank[c["group"]])
    words = [a for a in map(_adjective, adjectives) if not noun.lower().startswith(a + " ")]  # no "sports sports shoes"
    words += [noun]
    for group in ("gender", "season"):
        words += [f"for {c['name'].lower()}" for c in every if c["group"] == group]
    words += [f["text"] for f in filters]
    text = " ".join(words)
    excluded = query.get("exclude", [])
    if excluded:
        text += ", not " + " or ".join(c["name"].lower() for c in excluded)
    others = []
    for concept in partial:
        count = met.get(concept["concept"], 0)
        name = plural(concept["name"]) if concept["group"] in CATEGORY_GROUPS else _adjective(concept)
        others.append(f"{count} of them {name.lower()}" if count else f"none {name.lower()}")
    for f in missed:
        count = filter_met.get(f["filter"], 0)
        others.append(f"{count} of them {f['text']}" if count else f"none {f['text']}")
    return text, "; ".join(others)


# ---------------------------------------------------------------------------- products
def price_text(item: dict) -> str:
    """"₹799" or "₹799 (₹̶1̶,̶2̶9̶9̶ 38% off)" (the engine writes the amounts)."""
    if not item.get("price_text"):
        return ""
    text = item["price_text"]
    if item.get("discount_pct"):
        text += f" ({struck(item['list_price_text'])} {item['discount_pct']}% off)"
    return text


def sizes_text(sizes: list[str]) -> str:
    if not sizes:
        return ""
    shown = ", ".join(sizes[:MAX_SIZES_SHOWN]) + (" ..." if len(sizes) > MAX_SIZES_SHOWN else "")
    return f"size {shown}" if len(sizes) == 1 else f"sizes {shown}"


def facts(item: dict) -> str:
    """"Nike · ₹2,795 (₹̶3̶,̶4̶9̶5̶ 20% off) · sizes UK6, UK7"."""
    return " · ".join(part for part in (item.get("brand") or "", price_text(item), sizes_text(item.get("sizes") or []))
                      if part)


def marks(item: dict) -> str:
    """"✓ Dress ✓ Red ✗ Sleeveless ✓ under ₹1,000"."""
    out = [f"✓ {m['name']}" for m in _unique(item.get("matched", []))]
    out += [f"✗ {m['name']}" for m in _unique(item.get("missed", []))]
    out += [f"{'✓' if f.get('met', True) else '✗'} {f['text']}" for f in item.get("filters", [])]
    return " ".join(out)


def caption(item: dict, rank: int | None = None) -> str:
    """"2. Locomotive Men Navy Blue Shirt" / facts / marks, one per line."""
    lines = [f"{rank or item.get('rank')}. {item['name']}"]
    for extra in (facts(item), marks(item)):
        if extra:
            lines.append(extra)
    return "\n".join(lines)


def _unique(concepts: list[dict]) -> list[dict]:
    seen, out = set(), []
    for concept in concepts:
        if concept["name"] not in seen:
            seen.add(concept["name"])
            out.append(concept)
    return out


def products_payload(answer: dict) -> dict:
    """The custom payload channels draw as cards and tests read: the shown items, exactly."""
    keep = ("id", "rank", "name", "brand", "price", "list_price", "price_text", "list_price_text", "discount_pct",
            "sizes", "image_url", "score", "variants")
    items = [{**{k: item.get(k) for k in keep}, "facts": facts(item),
              "matched": [{"concept": m["concept"], "name": m["name"], "group": m.get("group")}
                          for m in item.get("matched", [])],
              "missed": [{"concept": m["concept"], "name": m["name"]} for m in item.get("missed", [])],
              "filters": [f["text"] for f in item.get("filters", [])]} for item in answer.get("items", [])]
    query = answer.get("query") or {}
    return {"type": "products", "items": items, "total": answer.get("total"), "offset": query.get("offset", 0),
            "query": {"include": [i for c in query.get("include", []) for i in c.get("ids") or [c["concept"]]],
                      "exclude": [i for c in query.get("exclude", []) for i in c.get("ids") or [c["concept"]]],
                      "filters": [f["text"] for f in query.get("filters", [])], "sort": query.get("sort"),
                      "like": query.get("like"), "image_id": query.get("image_id")}}


# ---------------------------------------------------------------------------- buttons
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


# ---------------------------------------------------------------------------- whole replies
def reply(answer: dict, op: str) -> list[dict]:
    """Every message of the reply to one turn: notes, then results, an explanation or a question."""
    messages = notes_messages(answer.get("notes") or [])
    question = answer.get("question")
    if answer.get("explanation"):
        return messages + explain_messages(answer["explanation"])
    if answer.get("comparison"):
        return messages + comparison_messages(answer["comparison"])
    if answer.get("outfit"):
        return messages + outfit_messages(answer["outfit"])
    if answer.get("details"):
        return messages + details_messages(answer["details"])
    results = results_messages(answer, image_search=op == "photo") if answer.get("items") else []
    if question and question.get("say"):  # the engine's one sentence: a limit, or a question beside results
        return messages + results + [{"text": question["say"]}]
    if question and question.get("kind") == "blocking":  # the closest products come with the question
        return messages + blocking_messages(answer) + results
    if question and question.get("kind") == "unknown":
        return messages + results + suggestion_messages(question["term"], question.get("suggestions") or [])
    if question:
        return messages + question_messages(question, answer)
    if answer.get("items"):
        return messages + results_messages(answer, image_search=op == "photo")
    return messages + [{"response": "utter_nothing_found", "buttons": nav_buttons(False)}]


def notes_messages(notes: list[dict]) -> list[dict]:
    out = []
    corrected = [n for n in notes if n.get("kind") == "corrected"]
    if corrected:
        out.append({"response": "utter_corrected",
                    "corrections": ", ".join(f"\"{n['said']}\" as {n['read_as']}" for n in corrected)})
    for note in notes:
        if note.get("kind") == "dropped" and note.get("what"):
            out.append({"response": "utter_dropped", "concepts": ", ".join(str(w) for w in note["what"])})
        elif note.get("kind") in ("relative", "nearest", "unimplied", "filled", "unplaced") and note.get("text"):  # the engine's words
            out.append({"text": note["text"][:1].upper() + note["text"][1:] + "."})
    return out


def question_messages(question: dict, answer: dict) -> list[dict]:
    response = QUESTION_RESPONSES.get(question["kind"], "utter_ask_refine")
    message = {"response": response}
    if question["kind"] == "no_such_item":
        message["count"] = question.get("count", 0)
    if question["kind"] in ("no_more", "nothing_found"):
        message["buttons"] = nav_buttons(False)
    return [message]


def results_messages(answer: dict, image_search: bool = False) -> list[dict]:
    """The whole reply to a search: summary, one captioned image per product, the products
    payload and quick replies."""
    items = answer.get("items", [])
    query = answer.get("query") or {}
    description, extra = describe(query, answer.get("summary"))
    offset = query.get("offset", 0)
    extra = f" ({extra})" if extra else ""
    reference = answer.get("reference")
    if offset:
        summary = {"response": "utter_results_more", "first": offset + 1, "last": offset + len(items)}
    elif reference:
        summary = {"response": "utter_results_like", "reference": reference["name"]}
    elif image_search or query.get("image_id"):
        summary = {"response": "utter_results_image"}
    else:
        summary = {"response": "utter_results"}
    summary.update(count=len(items), description=description, extra=extra, total=answer.get("total") or 0)
    messages = [summary]
    for item in items:
        messages.append({"response": "utter_product", "caption": caption(item), "image_url": item["image_url"]})
    messages.append({"json_message": products_payload(answer)})
    messages.append({"response": "utter_refine_hint",
                     "buttons": split_buttons(items, query) + nav_buttons(answer.get("has_more", False))})
    return messages


def blocking_messages(answer: dict) -> list[dict]:
    """Nothing meets every request: name the constraint that empties the list and offer to drop it."""
    query = answer.get("query") or {}
    description, _ = describe(query)
    blocking = answer["question"].get("blocking") or []
    top = blocking[0]
    buttons = [{"title": f"Drop {b['name']}",
                "payload": payload("drop", concept=b["concept"]) if b.get("concept")
                else payload("drop", group=_filter_group(b.get("filter")))} for b in blocking[:3]]
    return [{"response": "utter_no_results_blocking", "description": description, "blocker": top["name"],
             "without": top["results_without_it"], "buttons": buttons + nav_buttons(False)}]


def _filter_group(name: str | None) -> str:
    return {"not_brand": "brand", "words": "pattern"}.get(name or "", name or "")


def suggestion_messages(term: str, suggestions: list[str]) -> list[dict]:
    """Ask which known concept or brand an unknown word meant, with the closest as buttons."""
    if not suggestions:
        return [{"response": "utter_unknown_concept_none", "term": term}]
    buttons = [{"title": name, "payload": payload("choose", concept=name)} for name in suggestions[:4]]
    return [{"response": "utter_unknown_concept", "term": term, "buttons": buttons}]


def explain_messages(explanation: dict) -> list[dict]:
    """Why a product is where it is: requests met (✓) and missed (✗), the filters it meets, the
    score's parts, what else the model sees in it, and a heatmap when a part was named."""
    item = explanation["item"]
    missed = _unique(item.get("missed", []))
    parts = item.get("score_parts") or {}
    about = facts(item)
    messages = [{"response": "utter_explain", "rank": item.get("rank") or "", "name": item["name"],
                 "facts": f" {about}." if about else "", "plain": plain_why(item),
                 "missed": (" It misses " + ", ".join(f"{m['name']} ✗" for m in missed) + ".") if missed else ""},
                {"response": "utter_explain_score", "score": f"{item.get('score') or 0:.1f}",
                 "parts": ", ".join(f"{k} {v:+.1f}" for k, v in parts.items())}]
    seen = [c["name"] for c in explanation.get("sees", [])]
    if seen:
        messages.append({"response": "utter_explain_sees", "concepts": ", ".join(seen[:6])})
    heatmap = explanation.get("heatmap")
    if heatmap:
        messages.append({"response": "utter_heatmap", "concept": heatmap["name"], "rank": item.get("rank") or "",
                         "heatmap_url": heatmap["url"]})
    elif explanation.get("unknown_part"):
        messages.append({"response": "utter_unknown_concept_explain", "term": explanation["unknown_part"]})
    return messages


def plain_why(item: dict) -> str:
    """"Red ✓, Dress ✓, ₹1,299, within your ₹1,500 ✓; the model is 92% sure of Dress": what the
    product meets in plain words, then how sure the model is of its category."""
    met = [f"{m['name']} ✓" for m in _unique(item.get("matched", []))]
    met += [f"{f['text']} {'✓' if f.get('met', True) else '✗'}" for f in item.get("filters", [])]
    text = ", ".join(met) or "It meets none of your requests"
    sure = _surest_category(item)
    return f"{text}; the model is {round(100 * sure['prob'])}% sure of {sure['name']}" if sure else text


def _surest_category(item: dict) -> dict | None:
    categories = [m for m in item.get("matched", []) if m.get("group") in CATEGORY_GROUPS and m.get("prob")]
    categories = categories or [c for c in item.get("top_concepts", []) if c.get("group") in CATEGORY_GROUPS
                                and c.get("prob")]
    return categories[-1] if categories else None


# ---------------------------------------------------------------------------- compare, looks, details
GROUP_LABELS = {"master": "Category", "sub": "Category", "type": "Type"}
MAX_DESCRIPTION = 1200  # characters of a description in a chat message


def _group_label(group: str) -> str:
    return GROUP_LABELS.get(group) or group.replace("_", " ").capitalize()


def comparison_table(comparison: dict) -> str:
    """The products side by side, one line per fact, values in the products' order:
    "Price: ₹899 | ₹1,299 (₹̶1̶,̶5̶9̶9̶ 19% off)", then the concepts where they differ."""
    items = comparison["items"]
    lines = [f"#{item.get('rank')} {item['name']}" for item in items]
    rows = [("Price", [price_text(i) or "no price" for i in items]), ("Brand", [i.get("brand") or "-" for i in items]),
            ("Sizes", [", ".join((i.get("sizes") or [])[:MAX_SIZES_SHOWN]) or "-" for i in items]),
            ("Colour", [i.get("colour") or "-" for i in items])]
    differences = sorted(comparison.get("differences", []), key=lambda r: r["group"] not in CATEGORY_GROUPS)
    for row in differences:
        if row["group"] == "colour":
            continue
        values = [f"{v['name']} ({round(100 * (v.get('prob') or 0))}%)" if v else "-" for v in row["values"]]
        rows.append((_group_label(row["group"]), values))
    lines += [f"{label}: " + " | ".join(values) for label, values in rows]
    same = [row["values"][0]["name"] for row in comparison.get("same", []) if row["group"] not in CATEGORY_GROUPS]
    if same:
        lines.append("Both: " + ", ".join(same[:6]))
    return "\n".join(lines)


def comparison_messages(comparison: dict) -> list[dict]:
    """The table, the one-line answer to "which is ...?" when asked, and the products as cards."""
    messages = []
    answer = comparison.get("answer")
    if answer:  # the one-line answer first, then the table
        values = ", ".join(f"#{rank} {value}" for rank, value in zip(answer["ranks"], answer["values"]))
        if answer.get("winner"):
            messages.append({"response": "utter_compare_answer", "rank": answer["winner"],
                             "name": answer["winner_name"], "says": answer["says"], "values": values})
        else:
            messages.append({"response": "utter_compare_tie", "values": values})
    messages.append({"response": "utter_compare", "table": comparison_table(comparison)})
    cards = products_payload({"items": comparison["items"], "query": {}})
    messages.append({"json_message": {**cards, "view": "compare"}})
    ranks = [item["rank"] for item in comparison["items"] if item.get("rank")]
    buttons = [{"title": f"What goes with #{rank}?", "payload": payload("complete_look", ordinal=rank)}
               for rank in ranks]
    messages.append({"response": "utter_what_next", "buttons": buttons + nav_buttons(False)})
    return messages


def outfit_why(item: dict, reference: dict) -> str:
    """"The catalogue pairs kurtas with leggings (1,205 of 1,420 kurtas' styling notes); blue goes
    with black"."""
    why = item.get("why") or {}
    pairs = why.get("pairs") or {}
    kind, other = plural(reference.get("article_type") or "items"), plural(why.get("type") or "items")
    text = f"The catalogue pairs {kind} with {other}"
    if pairs.get("advice"):
        text += f" ({pairs['named']:,} of {pairs['advice']:,} {kind}' styling notes)"
    colour, ref_colour = (why.get("colour") or "").lower(), (why.get("with_colour") or "").lower()
    if why.get("colour_match") == "advice":
        text += f"; {colour} goes with {ref_colour} in its advice"
    elif why.get("colour_match") == "neutral":
        text += f"; {colour} is a neutral beside {ref_colour}"
    elif why.get("colour_match") == "same":
        text += f"; the same {colour}"
    if why.get("usage_match"):
        text += f"; both {why['usage'].lower()}"
    return text + "."


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def outfit_messages(outfit: dict) -> list[dict]:
    """A header naming the reference and the types its advice pairs it with, then one captioned
    photo per product with why it goes, the products payload and quick replies."""
    reference, items = outfit["reference"], outfit.get("items") or []
    kinds = plural(reference.get("article_type") or "items")
    if not items:
        return [{"response": "utter_outfit_none", "kinds": kinds}]
    names = [plural(i["why"]["type"]) for i in items if i.get("why")]
    messages = [{"response": "utter_outfit", "rank": reference.get("rank") or "", "name": reference["name"],
                 "colour": (reference.get("colour") or "").lower(), "kind": kinds,
                 "kinds": _and(list(dict.fromkeys(names)))}]
    for item in items:
        messages.append({"response": "utter_outfit_item", "image_url": item["image_url"],
                         "caption": caption(item) + "\n" + outfit_why(item, reference)})
    cards = products_payload({"items": items, "query": {}})
    for card, item in zip(cards["items"], items):
        card["why"] = outfit_why(item, reference)
    messages.append({"json_message": {**cards, "view": "outfit"}})
    buttons = [{"title": "Compare 1 and 2", "payload": "compare 1 and 2"}] if len(items) > 1 else []
    messages.append({"response": "utter_what_next", "buttons": buttons + nav_buttons(False)})
    return messages


def details_text(details: dict) -> str:
    """A product page in text: name, facts, labels, attributes, description, the model's concepts."""
    rank = f"#{details['rank']} " if details.get("rank") else ""
    lines = [f"{rank}{details['name']}", facts(details)]
    labels = [details.get(k) for k in ("gender", "article_type", "colour", "usage", "season")]
    lines.append(" · ".join(str(v) for v in labels if v))
    attributes = details.get("attributes") or {}
    if attributes:
        lines.append("; ".join(f"{k.replace('_', ' ').capitalize()}: {v}" for k, v in attributes.items()))
    description = details.get("description") or ""
    if description:
        lines.append(description if len(description) <= MAX_DESCRIPTION
                     else description[:MAX_DESCRIPTION].rsplit(" ", 1)[0] + " …")
    concepts = details.get("concepts") or []
    if concepts:
        lines.append("The model sees: " + ", ".join(f"{c['name']} {round(100 * c['prob'])}%" for c in concepts))
    return "\n".join(line for line in lines if line)


def details_messages(details: dict) -> list[dict]:
    rank = details.get("rank")
    buttons = ([{"title": "Complete the look", "payload": payload("complete_look", ordinal=rank)},
                {"title": "More like this", "payload": payload("more_like", ordinal=rank)}] if rank else [])
    return [{"response": "utter_details_photo", "name": details["name"], "image_url": details["image_url"]},
            {"response": "utter_details", "text": details_text(details), "buttons": buttons}]

