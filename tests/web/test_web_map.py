"""The network map in a real browser (Debian's Chromium driven by Playwright) against a real
`graphsvc serve` of the bundled seed: it draws, it finds, it highlights, it keeps the view in
the URL, it exports a real PNG, it works without WebGL and behind a read token; it asks nothing
of the world outside 127.0.0.1 and logs no error (a CSP violation is a console error).

Screenshots of each state go to tests/artifacts/web/ (gitignored): look at them.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from serving import start_serve, wait_ready

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed"
ART = Path(__file__).parents[1] / "artifacts" / "web"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
HSD = "110111009212"  # 黄山店村
WEAK_ZKD = {"泗马沟村", "北下寺村", "葫芦棚村", "长流水村"}

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


def _chinese_font() -> None:
    fc = shutil.which("fc-list")
    if fc is None:
        pytest.skip("fc-list is not installed (apt-get install fontconfig fonts-wqy-microhei)")
    fonts = subprocess.run([fc, ":lang=zh"], capture_output=True, text=True, timeout=30).stdout
    if not fonts.strip():
        pytest.skip("no Chinese font: labels would draw as boxes "
                    "(apt-get install fonts-wqy-microhei)")


def _serve(*flags: str) -> Iterator[str]:
    base, proc = start_serve(SEED, *flags)
    try:
        wait_ready(base, proc)
        yield base
    finally:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from _serve()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    _chinese_font()
    with playwright_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield b
    b.close()


class Watch:
    """A page with every request outside 127.0.0.1 refused and recorded, and every console
    error and page error kept."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900},
                                           accept_downloads=True, **options)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, url: str) -> Any:
        self.page.goto(url)
        return self.ready()

    def ready(self) -> Any:
        """Wait until the page has drawn the view its URL holds."""
        self.page.wait_for_function("() => document.body.dataset.ready === '1' && "
                                    "document.body.dataset.url === location.search",
                                    timeout=20000)
        return self.page

    def shot(self, name: str) -> None:
        ART.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(300)  # let the canvas finish its frame
        self.page.screenshot(path=str(ART / f"{name}.png"))

    def drawn(self) -> int:
        return int(self.page.evaluate("window.graphsvcMap.cy.nodes().length"))

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"requests outside 127.0.0.1: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def watch(browser: Any) -> Iterator[Watch]:
    w = Watch(browser)
    yield w
    w.close()


def api(base: str, path: str, **params: Any) -> Any:
    r = httpx.get(base + path, params=params, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_map_draws_every_node_of_the_view_with_a_legend(server: str, watch: Watch) -> None:
    r = httpx.get(server + "/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text and "style=" not in r.text  # no inline script or style
    page = watch.open(server + "/")
    view = api(server, "/v1/view")
    assert not view["truncated"]
    assert watch.drawn() == len(view["nodes"]) == view["total"]
    legend = {li.get_attribute("data-legend"): int(li.locator(".count").inner_text())
              for li in page.locator("#legend li").all()}
    assert legend == view["counts"]
    assert "村/社区" in page.locator("#legend").inner_text()
    watch.shot("01-map")
    # a legend click fades villages, a second hides them, a third shows them again
    village = page.locator("#legend li[data-legend='village']")
    village.click()
    assert page.evaluate("window.graphsvcMap.cy.nodes('.faded').length") == view["counts"][
        "village"]
    village.click()
    assert page.evaluate("window.graphsvcMap.cy.nodes('.gone').length") == view["counts"][
        "village"]
    watch.shot("02-villages-hidden")
    village.click()
    assert page.evaluate("window.graphsvcMap.cy.nodes('.gone, .faded').length") == 0
    # hovering a node highlights its neighbourhood
    page.evaluate(f"window.graphsvcMap.cy.getElementById('{HSD}').emit('mouseover')")
    near = page.evaluate("window.graphsvcMap.cy.nodes('.near').map(n => n.id())")
    assert set(near) == {HSD, "110111009", "org.zkd-eight-villages", "place.zkd-demo-area"}


def test_search_finds_initials_and_focus_opens_the_panel(server: str, watch: Watch) -> None:
    page = watch.open(server + "/")
    page.fill("#search", "hsd")
    first = page.locator("#search-results li[data-id]").first
    first.wait_for()
    assert "黄山店村" in first.inner_text()
    watch.shot("03-search-hsd")
    first.dispatch_event("mousedown")
    watch.ready()
    page.wait_for_selector("#panel h2.name")
    assert page.locator("#panel h2.name").inner_text() == "黄山店村"
    page.wait_for_selector("#panel .src[data-source='S1']")
    sources = set(page.locator("#panel .src").evaluate_all("els => els.map(e => e.dataset.source)"))
    assert {"S1", "S4"} <= sources
    assert "ego=" + HSD in page.url
    view = api(server, "/v1/view", ego=HSD, hops=1)
    assert watch.drawn() == len(view["nodes"])
    page.wait_for_selector("#panel ol.advice li")  # pairing advice for a village
    watch.shot("04-focus-hsd-panel")
    # two steps out: more of the network
    page.select_option("#hops", "2")
    watch.ready()
    assert watch.drawn() == len(api(server, "/v1/view", ego=HSD, hops=2)["nodes"]) > len(
        view["nodes"])


@pytest.mark.parametrize("text", ["黃山店村", "黄山店", "110111009212", "huangshandian"])
def test_search_by_traditional_characters_alias_code_and_pinyin(
        server: str, watch: Watch, text: str) -> None:
    page = watch.open(server + "/")
    page.fill("#search", text)
    first = page.locator("#search-results li[data-id]").first
    first.wait_for()
    assert first.get_attribute("data-id") == HSD


def test_an_ambiguous_name_lists_every_candidate_with_its_township(
        server: str, watch: Watch) -> None:
    page = watch.open(server + "/")
    page.fill("#search", "辛庄村")
    page.locator("#search-results li[data-id]").first.wait_for()
    items = page.locator("#search-results li[data-id]").all_inner_texts()
    expected = api(server, "/v1/search", q="辛庄村", limit=12)["data"]
    assert len(items) == len(expected) >= 2
    for item, match in zip(items, expected, strict=True):
        assert match["entity"]["township_name"] in item
    watch.shot("05-search-ambiguous")


def test_weak_linked_preset_highlights_the_links_to_huangshandian(
        server: str, watch: Watch) -> None:
    page = watch.open(server + "/")
    page.click("#presets button[data-preset='weak_linked']")
    watch.ready()
    hl = page.evaluate("window.graphsvcMap.cy.nodes('.hl').map(n => n.data('name'))")
    assert WEAK_ZKD | {"黄山店村"} <= set(hl)
    weak = page.evaluate(
        "window.graphsvcMap.cy.nodes('[status = \"weak\"]').map(n => n.data('name'))")
    assert set(weak) == WEAK_ZKD
    # every weak village's path to 黄山店村 is highlighted edge by edge
    links = api(server, "/v1/queries/weak-linked")["data"]
    assert {x["weak"]["name"] for x in links} == WEAK_ZKD
    edges = {e["key"] for x in links for e in x["path"]["edges"]}
    drawn = page.evaluate("window.graphsvcMap.cy.edges('.hl').map(e => e.data('id').slice(2))")
    assert set(drawn) == edges
    rows = page.locator("#rows li").all_inner_texts()
    assert len(rows) == 4 and all("黄山店村" in r for r in rows)
    watch.shot("06-preset-weak-linked")


def test_gaps_preset_lists_every_gap(server: str, watch: Watch) -> None:
    page = watch.open(server + "/?township=佛子庄乡")
    page.click("#presets button[data-preset='gaps']")
    watch.ready()
    gaps = api(server, "/v1/queries/gaps", township="佛子庄乡")
    assert page.locator("#rows li").count() == gaps["count"] > 0
    assert "未加入联合组织" in page.locator("#rows").inner_text()
    view = api(server, "/v1/view", township="佛子庄乡", preset="gaps")
    assert watch.drawn() == len(view["nodes"])
    watch.shot("16-preset-gaps")


def test_a_bad_link_shows_the_services_message(server: str, watch: Watch) -> None:
    page = watch.open(server + "/?township=黄山店村")  # a village, not a township
    message = page.locator("#message")
    assert message.is_visible() and "not a township" in message.inner_text()
    assert watch.drawn() == 0
    # the browser logs the 422 answer itself; the page logs nothing
    watch.errors = [e for e in watch.errors if "422" not in e]
    page.click("#reset")
    watch.ready()
    assert not message.is_visible() and watch.drawn() > 700


def test_township_filter_and_year_change_update_the_counts(server: str, watch: Watch) -> None:
    page = watch.open(server + "/")
    everything = watch.drawn()
    page.select_option("#f-township", "110111009")
    watch.ready()
    view = api(server, "/v1/view", township="110111009")
    assert watch.drawn() == len(view["nodes"]) < everything
    legend = {li.get_attribute("data-legend"): int(li.locator(".count").inner_text())
              for li in page.locator("#legend li").all()}
    assert legend == view["counts"]
    weak = page.locator("#status-legend li[data-status='weak'] .count")
    assert int(weak.inner_text()) == view["status_counts"]["weak"] == 4
    watch.shot("07-township-zkd")
    page.select_option("#year", "2020")  # before any evidence: nothing is weak yet
    watch.ready()
    assert int(weak.inner_text()) == api(server, "/v1/view", township="110111009", year=2020)[
        "status_counts"]["weak"] == 0
    assert "year=2020" in page.url
    watch.shot("08-township-zkd-2020")


def test_a_copied_url_reopens_the_view_and_back_undoes(server: str, watch: Watch) -> None:
    page = watch.open(server + "/")
    page.select_option("#f-township", "110111009")
    watch.ready()
    page.click("#presets button[data-preset='weak_linked']")
    watch.ready()
    page.select_option("#year", "2022")
    watch.ready()
    page.evaluate("window.graphsvcMap.cy.zoom({level: 0.9, renderedPosition: {x: 300, y: 200}})")
    page.wait_for_url("**z=0.900**")
    url = page.url
    state = page.evaluate("window.graphsvcMap.state")
    drawn = watch.drawn()
    other = watch.context.new_page()
    other.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    other.goto(url)
    other.wait_for_selector("body[data-ready='1']")
    assert other.evaluate("window.graphsvcMap.state") == state
    assert other.evaluate("window.graphsvcMap.cy.nodes().length") == drawn
    assert other.locator("#year").input_value() == "2022"
    assert other.evaluate("window.graphsvcMap.cy.zoom()") == pytest.approx(0.9)
    pan = page.evaluate("window.graphsvcMap.cy.pan()")
    assert other.evaluate("window.graphsvcMap.cy.pan()") == pytest.approx(pan, abs=1)
    assert other.locator("#presets button.on").get_attribute("data-preset") == "weak_linked"
    other.close()
    page.go_back()  # undo the zoom and the year (the zoom replaced the year's entry)
    watch.ready()
    assert "year=2022" not in page.url and "preset=weak_linked" in page.url
    page.go_back()  # undo the preset
    watch.ready()
    assert "preset" not in page.url
    assert watch.drawn() == len(api(server, "/v1/view", township="110111009")["nodes"])


@pytest.mark.parametrize("scale", [2, 4])
def test_png_download_is_a_real_png_of_the_requested_size(
        server: str, watch: Watch, scale: int) -> None:
    page = watch.open(server + "/?preset=weak_linked")
    size = page.evaluate(f"window.graphsvcMap.pngSize({scale})")
    page.click("#export-toggle")
    with page.expect_download() as dl:
        page.click(f"#export-menu button[data-png='{scale}']")
    data = Path(dl.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (size["width"], size["height"])
    assert width == scale * page.evaluate("window.graphsvcMap.cy.width()")
    ART.mkdir(parents=True, exist_ok=True)
    (ART / f"09-export-{scale}x.png").write_bytes(data)


def test_too_much_to_draw_says_so_and_offers_to_narrow(server: str, watch: Watch) -> None:
    page = watch.open(server + "/?limit=300")  # the default limit is 2000; the seed has 723
    assert watch.drawn() == 0
    message = page.locator("#message")
    assert message.is_visible()
    assert "723" in message.inner_text() and "300" in message.inner_text()
    watch.shot("15-too-much")
    message.locator("a", has_text="周口店地区").click()  # a township to narrow to
    watch.ready()
    assert not message.is_visible()
    assert watch.drawn() == len(api(server, "/v1/view", township="110111009")["nodes"])


def test_file_exports_of_the_same_subgraph(server: str, watch: Watch) -> None:
    page = watch.open(server + "/?township=110111009")
    drawn = watch.drawn()
    files = {}
    for fmt in ("gexf", "graphml", "csv"):
        page.click("#export-toggle")
        with page.expect_download() as dl:
            page.click(f"#export-menu button[data-fmt='{fmt}']")
        files[fmt] = Path(dl.value.path()).read_bytes()
    assert files["gexf"].decode("utf-8").count("<node ") == drawn
    assert files["graphml"].decode("utf-8").count("<node ") == drawn
    with zipfile.ZipFile(io.BytesIO(files["csv"])) as z:
        rows = z.read("nodes.csv").decode("utf-8-sig").strip().splitlines()
    assert len(rows) - 1 == drawn  # a header and one row per drawn entity


def test_list_view_sorts_and_selects(server: str, watch: Watch) -> None:
    page = watch.open(server + "/?township=110111009")
    page.click("#tabs button[data-tab='list']")
    rows = page.locator("#list tbody tr")
    assert rows.count() == watch.drawn()
    page.click("#list th[data-sort='degree']")
    page.click("#list th[data-sort='degree']")  # descending: the township first
    assert rows.first.locator("td").first.inner_text() == "周口店地区"
    watch.shot("10-list")
    rows.nth(1).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel h2.name")


def test_coverage_dashboard_bar_filters_the_map(server: str, watch: Watch) -> None:
    page = watch.open(server + "/?tab=coverage")
    page.wait_for_selector("#bars-township .bar")
    watch.shot("11-coverage")
    page.locator("#coverage-table a", has_text="周口店地区").first.wait_for()
    bars = page.locator("#bars-township .bar-label").all_inner_texts()
    i = bars.index("周口店地区")
    page.locator("#bars-township .bar").nth(i).click()
    watch.ready()
    assert "township=110111009" in page.url
    assert watch.drawn() == len(api(server, "/v1/view", township="110111009")["nodes"])


def test_coverage_by_model_counts_villages_and_says_when_membership_is_not_recorded(
        server: str, watch: Watch) -> None:
    """The grid model is practised by villages on record only as facts, and the area
    committees list no members: the bars say so instead of showing 0 / 0."""
    cov = api(server, "/v1/coverage")
    total = cov["district"]["villages"]
    page = watch.open(server + "/?tab=coverage")
    page.wait_for_selector("#bars-model .bar")
    watch.shot("11b-coverage-by-model")
    shown = {v.get_attribute("data-model"): v.inner_text()
             for v in page.locator("#bars-model .bar-value").all()}
    by = {m["model"]: m for m in cov["by_model"]}
    assert by["area"]["membership"] == "not recorded" and shown["area"] == "成员未记录"
    assert by["grid"]["villages"] == 3
    assert shown["grid"] == f"3 / {total} · 据事实 3"
    assert shown["village_village"] == f"{by['village_village']['villages']} / {total}"
    labels = page.locator("#bars-model .bar-label").all_inner_texts()
    assert labels[0] == f"片区联建 ({by['area']['orgs']})"
    page.click("#lang")
    page.wait_for_function("() => document.querySelector("
                           "'#bars-model .bar-value[data-model=\"area\"]')"
                           ".textContent === 'membership not recorded'")


def test_the_map_draws_a_seed_that_brings_its_own_model(browser: Any) -> None:
    """Kinds, colours, labels and models come from the service: a made-up seed with its own
    English schema (tests/fixtures/own_schema) draws in its own words and colours."""
    base, proc = start_serve(ROOT / "tests" / "fixtures" / "own_schema")
    w = Watch(browser)
    try:
        wait_ready(base, proc)
        legend = {e["name"]: e for e in api(base, "/v1/meta")["model"]["legend"]}
        page = w.open(base + "/?preset=weak_linked&year=2022")
        w.shot("20-own-schema-weak-linked")
        drawn = page.evaluate("window.graphsvcMap.cy.nodes().map("
                              "(n) => [n.data('name'), n.data('legend'), n.data('color')])")
        assert sorted(drawn) == sorted([
            ["Ashby", "hamlet", legend["hamlet"]["color"]],
            ["Bexley", "hamlet", legend["hamlet"]["color"]],
            ["Westtown Hamlet Pact Council", "joint_council", legend["joint_council"]["color"]]])
        items = {li.get_attribute("data-legend"): li.inner_text()
                 for li in page.locator("#legend li").all()}
        assert set(items) == {"hamlet", "joint_council"}
        assert items["hamlet"].startswith("小村") and items["joint_council"].startswith("联合理事会")
        presets = page.locator("#presets button").all_inner_texts()
        assert presets[-5:] == ["教区圈", "村约", "企约", "校约", "片组"]
        kinds = page.locator("#f-kind option").all_inner_texts()
        assert "学院" in kinds and "理事会" in kinds
        page.click("#lang")
        w.ready()
        assert page.locator("#legend li[data-legend='hamlet']").inner_text().startswith("hamlet")
        page = w.open(base + "/?tab=coverage&year=2022")
        page.wait_for_selector("#bars-model .bar")
        w.shot("21-own-schema-coverage")
        shown = {v.get_attribute("data-model"): v.inner_text()
                 for v in page.locator("#bars-model .bar-value").all()}
        assert shown["hamlet_pact"] == "2 / 7"
    finally:
        w.close()
        proc.kill()
        proc.wait(10)


def test_english_toggle_and_path_tool(server: str, watch: Watch) -> None:
    page = watch.open(server + "/")
    page.click("#lang")
    assert page.locator("#legend li[data-legend='village']").inner_text().startswith(
        "village")
    assert "lang=en" in page.url
    page.fill("#path-from", "泗马沟村")
    page.locator("#path-results li[data-id]").first.wait_for()
    page.locator("#path-results li[data-id]").first.dispatch_event("mousedown")
    page.fill("#path-to", "黄山店村")
    page.locator("#path-results li[data-id='110111009212']").wait_for()
    page.locator("#path-results li[data-id='110111009212']").dispatch_event("mousedown")
    page.click("#path-go")
    page.wait_for_selector("#path-list li.on")
    page.wait_for_function("() => window.graphsvcMap.cy.edges('.hl').length === 2")
    watch.shot("12-english-path")


def test_the_map_draws_without_webgl(server: str, playwright: Any) -> None:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, "--disable-3d-apis"])
    try:
        w = Watch(b)
        page = w.open(server + "/")
        assert page.evaluate("!document.createElement('canvas').getContext('webgl')")  # off
        assert w.drawn() == api(server, "/v1/view")["total"]
        w.shot("13-no-webgl")
        w.close()
    finally:
        b.close()


def test_with_a_read_token_the_page_asks_for_it(browser: Any) -> None:
    for base in _serve("--token", "s3cret"):
        assert httpx.get(base + "/v1/view").status_code == 401
        w = Watch(browser)
        page = w.page
        page.goto(base + "/")
        page.wait_for_selector("#token-dialog[open]")
        w.shot("14-token-asked")
        page.fill("#token", "wrong")
        page.click("#token-form button[type='submit']")
        page.wait_for_selector("#token-error:not([hidden])")
        page.fill("#token", "s3cret")
        page.click("#token-form button[type='submit']")
        w.ready()
        assert w.drawn() > 700
        assert page.evaluate("sessionStorage.getItem('graphsvc-token')") == "s3cret"
        assert page.evaluate("localStorage.length") == 0
        # the wrong token's 401 is the browser's own console line, not the page's error
        w.errors = [e for e in w.errors if "401" not in e]
        w.close()
