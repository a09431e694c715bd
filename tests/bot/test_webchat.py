"""The web chat page (retrieval/serving/webchat.py) in a real browser: Playwright drives Debian's chromium
(`make browser` installs it) against the running bot (tests/stack.py). Screenshots of each step
go to reports/screenshots/test-webchat-*.png."""
from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from retrieval.serving import webchat
from tests.stack import stack  # noqa: F401  (the fixture)
from tests.support import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = REPO / "reports" / "screenshots"
REPLY_TIMEOUT = 90_000  # ms: a search on 2 busy CPU cores
CARDS_JS = """() => [...document.querySelectorAll('.rw-carousel-container')].map(carousel =>
    [...carousel.querySelectorAll('.rw-carousel-card')].map(card => {
        const img = card.querySelector('img.rw-carousel-card-image');
        return {src: img ? img.src : '', loaded: !!img && img.complete && img.naturalWidth > 0,
                title: card.querySelector('.rw-carousel-card-title').textContent,
                caption: card.querySelector('.rw-carousel-card-subtitle').textContent,
                buttons: [...card.querySelectorAll('.rw-reply')].map(b => b.textContent)};
    }))"""


# ---------------------------------------------------------------- the page, without a browser
def test_page_embeds_the_widget_and_points_it_at_rasa(monkeypatch, tmp_path):
    monkeypatch.setenv("FASHIONBOT_RASA_URL", "http://chat.example:5005/")
    monkeypatch.setenv("FASHIONBOT_WEBCHAT_DIR", str(tmp_path))
    (tmp_path / webchat.BUNDLE_NAME).write_text("window.WebChat = {};")
    from fastapi import FastAPI

    from retrieval.settings import Settings

    app = FastAPI()
    webchat.mount_webchat(app, Settings.from_env())
    client = TestClient(app)
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '"socketUrl": "http://chat.example:5005"' in page.text
    assert 'src="webchat/rasa-webchat.js"' in page.text and 'type="file"' in page.text
    bundle = client.get("/webchat/rasa-webchat.js")
    assert bundle.status_code == 200 and bundle.text == "window.WebChat = {};"
    assert client.get("/webchat/static/webchat.js").status_code == 200


def test_missing_bundle_says_how_to_install_it(monkeypatch, tmp_path):
    from fastapi import FastAPI

    from retrieval.settings import Settings

    monkeypatch.setattr(webchat, "REPO_ROOT", tmp_path)
    monkeypatch.delenv("FASHIONBOT_WEBCHAT_DIR", raising=False)
    monkeypatch.setenv("FASHIONBOT_VAR", str(tmp_path / "var"))
    app = FastAPI()
    webchat.mount_webchat(app, Settings.from_env())
    answer = TestClient(app).get("/webchat/rasa-webchat.js")
    assert answer.status_code == 503 and "make webchat" in answer.text


# ---------------------------------------------------------------- the page in chromium
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, stack):
    assert webchat.bundle_path(webchat.Settings.from_env()) is not None, "run `make webchat`"
    context = browser.new_context(viewport={"width": 900, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT)
    page.goto(stack.engine.url + "/")
    page.wait_for_selector(".rw-new-message")
    page.wait_for_function("() => document.querySelectorAll('.rw-replies .rw-reply').length > 0")  # the greeting
    yield page
    context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"test-webchat-{name}.png"))


def carousels(page) -> list[list[dict]]:
    return page.evaluate(CARDS_JS)


def wait_for_carousel(page, count: int) -> list[dict]:
    """Wait until the page shows ``count`` carousels whose photos have loaded, and the quick
    replies that end the turn after the last one; return the cards of carousel ``count``."""
    page.wait_for_function(
        """n => { const c = document.querySelectorAll('.rw-carousel-container');
                  if (c.length < n) return false;
                  const imgs = [...c[n - 1].querySelectorAll('img.rw-carousel-card-image')];
                  const replies = [...document.querySelectorAll('.rw-replies')];
                  const after = replies.some(r => c[c.length - 1].compareDocumentPosition(r)
                                                  & Node.DOCUMENT_POSITION_FOLLOWING);
                  return after && imgs.length > 0 && imgs.every(i => i.complete); }""", arg=count)
    return carousels(page)[count - 1]


def product_id(card: dict) -> int:
    return int(re.search(r"/items/(\d+)/image$", card["src"]).group(1))


def send(page, text: str) -> None:
    page.fill(".rw-new-message", text)
    page.keyboard.press("Enter")


def test_search_more_like_this_photo_and_why(page, stack):
    send(page, "show me red dresses")
    first = wait_for_carousel(page, 1)
    shoot(page, "1-cards")
    assert sum(card["loaded"] for card in first) >= 3, first
    for rank, card in enumerate(first, start=1):
        assert card["loaded"] and card["title"].startswith(f"{rank}. "), card
        assert "✓ " in card["caption"] or "✗ " in card["caption"], card  # the caption names the concepts
        assert card["buttons"] == ["More like this", "Why?", "Details"]
    full = [card["caption"] for card in first if "✗" not in card["caption"]]
    assert full and all("✓ Red" in c and "✓ Dress" in c for c in full), first
    assert page.locator(".rw-replies .rw-reply").count() > 0  # quick replies as buttons

    page.locator(".rw-carousel-container").nth(0).locator(".rw-carousel-card").nth(1) \
        .get_by_text("More like this").click()
    similar = wait_for_carousel(page, 2)
    shoot(page, "2-more-like-this")
    assert [product_id(c) for c in similar] != [product_id(c) for c in first]
    assert all(card["loaded"] for card in similar)
    assert page.get_by_text(re.compile(r"like \"")).count() > 0

    target = product_id(first[0])
    page.set_input_files("#photo-file", str(REPO / "data" / "demo" / "images" / f"{target}.jpg"))
    page.get_by_text("Searching for items like your photo").wait_for()
    by_photo = wait_for_carousel(page, 3)
    shoot(page, "3-photo-search")
    assert target in [product_id(c) for c in by_photo], (target, by_photo)

    page.locator(".rw-carousel-container").nth(2).locator(".rw-carousel-card").nth(0).get_by_text("Why?").click()
    page.get_by_text(re.compile(r"^#1 .*sure of")).wait_for()
    shoot(page, "4-why")


def test_why_shows_the_explanation_and_the_heatmap(page, stack):
    send(page, "show me red dresses")
    cards = wait_for_carousel(page, 1)
    page.locator(".rw-carousel-card").nth(0).get_by_text("Why?").click()
    page.get_by_text(re.compile(r"^#1 .*sure of")).wait_for()
    heatmap = page.locator(f"img[src*='/items/{product_id(cards[0])}/heatmap']")
    heatmap.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=heatmap.element_handle())
    heatmap.scroll_into_view_if_needed()
    shoot(page, "5-heatmap")


def test_page_asks_no_outside_host_and_has_a_favicon(monkeypatch, tmp_path):
    from fastapi import FastAPI

    from retrieval.settings import Settings

    monkeypatch.setenv("FASHIONBOT_WEBCHAT_DIR", str(tmp_path))
    (tmp_path / webchat.BUNDLE_NAME).write_text(
        'a.push([e.i,"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);",""]);b=1;')
    app = FastAPI()
    webchat.mount_webchat(app, Settings.from_env())
    client = TestClient(app)
    bundle = client.get("/webchat/rasa-webchat.js").text
    assert "googleapis" not in bundle and bundle.endswith("b=1;")
    assert 'rel="icon"' in client.get("/").text
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")


# ---------------------------------------------------------------- compare, look, details, readable turns
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request, browser, stack):
    """The chat page at 1280x900 and at 390x844, with every request the page makes recorded."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT)
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    page.goto(stack.engine.url + "/")
    page.wait_for_selector(".rw-new-message")
    page.size = request.param
    yield page
    context.close()


def greeted(page) -> None:
    page.wait_for_function("() => document.querySelectorAll('.rw-replies .rw-reply').length > 0")


def bubbles(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('.rw-response, .rw-client')].map(b => b.textContent)")


def test_compare_card_and_table(sized_page, stack):
    page = sized_page
    greeted(page)
    send(page, "show me shirts for men")
    first = wait_for_carousel(page, 1)
    send(page, "compare 1 and 2")
    compared = wait_for_carousel(page, 2)
    page.get_by_text(re.compile(r"^Side by side:")).last.scroll_into_view_if_needed()
    shoot(page, f"compare-{page.size}")
    assert [product_id(c) for c in compared] == [product_id(c) for c in first[:2]]
    assert all(card["loaded"] for card in compared)  # both photos
    table = page.get_by_text(re.compile(r"^Side by side:")).last.text_content()
    for rank in (1, 2):
        record = httpx.get(f"{stack.engine.url}/items/{product_id(first[rank - 1])}", timeout=30).json()
        assert record["name"] in table and record["brand"] in table
    assert "Price: " in table and " | " in table


def test_complete_the_look_cards_say_why(sized_page, stack):
    page = sized_page
    greeted(page)
    send(page, "kurtas for women")
    first = wait_for_carousel(page, 1)
    send(page, "what goes with the 2nd?")
    look = wait_for_carousel(page, 2)
    shoot(page, f"look-{page.size}")
    reference = httpx.get(f"{stack.engine.url}/items/{product_id(first[1])}", timeout=30).json()
    assert len(look) >= 3 and all(card["loaded"] for card in look)
    for card in look:
        record = httpx.get(f"{stack.engine.url}/items/{product_id(card)}", timeout=30).json()
        assert record["subCategory"] != reference["subCategory"]
        assert "The catalogue pairs kurtas with" in card["caption"], card


def test_details_button_full_titles_and_why_in_plain_words(sized_page, stack):
    page = sized_page
    greeted(page)
    send(page, "show me red dresses")
    cards = wait_for_carousel(page, 1)
    title = page.locator(".rw-carousel-card-title").first
    assert title.get_attribute("title") == cards[0]["title"]  # the full text on hover
    clamped = title.evaluate("t => t.scrollHeight > t.clientHeight + 1 || getComputedStyle(t).webkitLineClamp")
    assert clamped  # two lines at most until tapped
    title.click()
    assert "fb-open" in title.get_attribute("class")

    page.locator(".rw-carousel-card").nth(0).get_by_text("Details").click()
    photo = page.locator(f"img.rw-image-frame[src$='/items/{product_id(cards[0])}/image']")
    photo.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    card_photo = page.locator("img.rw-carousel-card-image").first.bounding_box()
    assert photo.bounding_box()["width"] >= min(card_photo["width"], 200)  # a larger photo than the card's
    record = httpx.get(f"{stack.engine.url}/items/{product_id(cards[0])}", timeout=30).json()
    page.get_by_text(re.compile("The model sees:")).last.wait_for()
    assert " ".join(record["description"].split())[:40] in " ".join(" ".join(bubbles(page)).split())
    shoot(page, f"details-{page.size}")

    page.locator(".rw-carousel-card").nth(0).get_by_text("Why?").click()
    page.get_by_text(re.compile(r"^#1 .*✓.*sure of")).wait_for()
    score = page.locator(".rw-response.fb-score").last
    score.wait_for()
    assert score.evaluate("b => getComputedStyle(b, '::before').content").strip('"').startswith("details")
    score.click()
    assert "fb-open" in score.get_attribute("class")
    heatmap = page.locator("img.rw-image-frame[src*='/heatmap']").last
    heatmap.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=heatmap.element_handle())
    page.wait_for_timeout(800)  # the smooth scroll
    box, frame = heatmap.bounding_box(), page.locator(".rw-messages-container").bounding_box()
    assert box["y"] + box["height"] <= frame["y"] + frame["height"] + 2, (box, frame)  # in view, above the input
    shoot(page, f"why-{page.size}")
    local = stack.engine.url.split("//")[1].split(":")[0]
    outside = [u for u in page.requested if not re.match(rf"(https?|wss?)://(127\.0\.0\.1|localhost|{local})[:/]", u)
               and not u.startswith("data:")]
    assert not outside, outside


def test_the_greeting_comes_first(browser, stack):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT)
    page.goto(stack.engine.url + "/")
    page.wait_for_selector(".rw-new-message")
    send(page, "white sneakers")  # at once, before the greeting arrives
    wait_for_carousel(page, 1)
    said = bubbles(page)
    assert said[0].startswith("Hi!"), said[:3]
    assert any(b.strip() == "white sneakers" for b in said[1:]), said[:3]
    assert page.evaluate("() => document.querySelector('link[rel=icon]').href").endswith("favicon.svg")
    context.close()
