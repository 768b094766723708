"""Ready for the meeting room: every page of app.py's PAGES list at a projector's 1280x720 and 1366x768, at
1920x1080 and at a phone's 390x844, in Chromium with the French-Belgian locale:
- no KPI card and no button whose text is cut (`scrollWidth > clientWidth` where the box clips, or an
  ellipsis), every download button labelled (CSV, Excel, images), no chart text overlapping a chart title;
- no English a user can see: the page's text, tooltips and placeholders, the opened dropdowns, the date
  picker and the file uploader;
- axe-core (tests/e2e/axe/node_modules/axe-core, `npm ci --prefix tests/e2e/axe`) finds no serious or
  critical violation.
Screenshots: <screenshots>/layout_<page>_<width>x<height>.png (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import TIMEOUT_S, app_pages, settle, shoot

pytestmark = pytest.mark.e2e

PAGES = app_pages()
IDS = [key for _file, key, _path in PAGES]
SIZES = [(1280, 720), (1366, 768), (1920, 1080), (390, 844)]
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# Words and phrases of Streamlit's, Plotly's and the browser's English that a French page must not show.
ENGLISH = re.compile(
    r"\b(Select all|Select an? |Choose (an )?options?|No results|No options|Drag and drop|Browse files|per file|"
    r"Limit \d|Past (Week|Month|\d+ Months|Year|\d+ Years)|Today|Yesterday|Clear( all| value)?|Download( as)?|"
    r"Fullscreen|Full screen|Exit fullscreen|Show data|Search|Close|Open|Loading|Running|Settings|Rerun|Deploy|"
    r"Print|Record a screencast|Autoscale|Reset axes|Zoom in|Zoom out|Box Select|Lasso Select|Produced with|"
    r"Toggle|Sort (ascending|descending)|Copy|Press Enter|Show less|Show more|Delete|Remove|Upload|"
    r"file must be|page not found|the|and|with|your|from|this)\b")

# The texts a user can read or hear: visible text, tooltips (title), placeholders, accessible names.
_TEXTS_JS = """() => {
  const out = [];
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(e).visibility !== 'hidden'; };
  // a command to type (`python -m psynam report --from …`) is not prose: code is left out
  let text = document.body.innerText;
  for (const c of document.querySelectorAll('code')) text = text.split(c.innerText).join(' ');
  out.push(text);
  for (const e of document.querySelectorAll('[title], [placeholder], [aria-label], [data-title]')) {
    if (!visible(e)) continue;
    for (const a of ['title', 'placeholder', 'aria-label', 'data-title']) {
      const v = e.getAttribute(a); if (v) out.push(v);
    }
  }
  return out.join('\\n');
}"""

# Cut text: an element of a KPI card or a button whose content is wider than its box while the box clips
# (overflow not visible) or ends in an ellipsis.
_CUT_JS = """() => {
  const cut = [];
  const roots = document.querySelectorAll('[data-testid="stMetric"], [data-testid="stMain"] button, '
    + '[data-testid="stSidebar"] button');
  for (const root of roots) {
    const r = root.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    for (const e of [root, ...root.querySelectorAll('*')]) {
      const s = getComputedStyle(e);
      if (s.display === 'inline' || e.clientWidth === 0 || !e.innerText || !e.innerText.trim()) continue;
      const clips = s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
      if (clips && e.scrollWidth > e.clientWidth + 1) {
        cut.push(`${root.getAttribute('data-testid') || root.tagName}: "${root.innerText.trim().slice(0, 60)}"`);
        break;
      }
    }
  }
  return [...new Set(cut)];
}"""

# Every download button and image popover shows a label beside its icon (CSV, Excel, Image…, Rapport PDF…).
_UNLABELLED_JS = """() => [...document.querySelectorAll('[data-testid="stDownloadButton"] button, '
    + '[data-testid="stPopover"] > div > button')]
  .filter(b => { const r = b.getBoundingClientRect();  // shown: not in the phone's closed sidebar
                 return r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth; })
  .filter(b => { const label = b.querySelector('[data-testid="stMarkdownContainer"]');
                 return !label || !label.innerText.trim() || label.getBoundingClientRect().width < 8; })
  .map(b => b.innerText.trim().slice(0, 40))"""


# A chart's legend or colour bar drawn over the chart's own title (Plotly's .gtitle) or the plot area's top.
_OVERLAP_JS = """() => {
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const out = [];
  for (const chart of document.querySelectorAll('.js-plotly-plot')) {
    const titles = [...chart.querySelectorAll('.gtitle, .g-xtitle, .g-ytitle')].map(e => e.getBoundingClientRect())
      .filter(r => r.width > 0);
    const legends = [...chart.querySelectorAll('.legend, .colorbar')].map(e => e.getBoundingClientRect())
      .filter(r => r.width > 0);
    if (titles.some(t => legends.some(l => hit(t, l)))) out.push(chart.closest('[class*="st-key-"]')?.className || 'chart');
  }
  return out;
}"""


def english_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})


def open_at(browser, server, path: str, size: tuple[int, int]):
    width, height = size
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-BE",
                                  device_scale_factor=2 if phone else 1, is_mobile=phone, has_touch=phone)
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = context.new_page()
    page.goto(f"{server}/{path}")
    settle(page)
    page.wait_for_timeout(500)  # charts lay out after the script ends
    return context, page


def axe_violations(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed: npm ci --prefix {AXE.parents[2].relative_to(Path.cwd())}")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)""")
    return found


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize(("file", "key", "path"), PAGES, ids=IDS)
def test_page_holds_at_each_size(browser, server, screenshots, file, key, path, size):
    context, page = open_at(browser, server, path, size)
    try:
        # the whole length at the projector's and the phone's size; the first screen at the others
        shoot(page, screenshots, f"layout_{key}_{size[0]}x{size[1]}", full=size in ((1280, 720), (390, 844)))
        problems = []
        if page.locator('[data-testid="stException"]').count():
            problems.append("an exception is shown")
        cut = page.evaluate(_CUT_JS)
        if cut:
            problems.append(f"cut text: {cut[:6]}")
        unlabelled = page.evaluate(_UNLABELLED_JS)
        if unlabelled:
            problems.append(f"download buttons without a label: {unlabelled[:6]}")
        overlap = page.evaluate(_OVERLAP_JS)
        if overlap:
            problems.append(f"legend over a chart title: {overlap[:6]}")
        english = english_in(page.evaluate(_TEXTS_JS))
        if english:
            problems.append(f"English shown: {english}")
        assert not problems, f"{key} at {size[0]}x{size[1]}: " + "; ".join(problems)
    finally:
        context.close()


@pytest.mark.parametrize(("file", "key", "path"), PAGES, ids=IDS)
def test_page_has_no_serious_accessibility_violation(browser, server, file, key, path):
    context, page = open_at(browser, server, path, (1366, 768))
    try:
        found = axe_violations(page)
        assert not found, f"{key}: axe-core finds\n" + "\n".join(found)
    finally:
        context.close()


def test_widgets_opened_show_no_english(browser, server, screenshots):
    """The sidebar's dropdowns opened (and typed into: "No results"), the date picker open, the uploader."""
    context, page = open_at(browser, server, "", (1366, 768))
    try:
        seen = []
        for key in ("reseau", "arrondissement"):
            page.locator(f'.st-key-{key} [data-baseweb="select"], .st-key-{key} [role=combobox]').first.click()
            page.wait_for_timeout(400)
            seen.append(page.evaluate(_TEXTS_JS))
            page.keyboard.type("zzzz")
            page.wait_for_timeout(400)
            seen.append(page.evaluate(_TEXTS_JS))
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
        page.locator('.st-key-periode [data-testid="stDateInputCalendarButton"]').click()
        page.wait_for_timeout(600)
        shoot(page, screenshots, "layout_date_picker_1366x768")
        calendar = page.evaluate(_TEXTS_JS)
        assert "novembre" in calendar or "octobre" in calendar, "the date picker did not open"
        seen.append(calendar)
        page.keyboard.press("Escape")
        page.goto(f"{server}/imports")
        settle(page)
        shoot(page, screenshots, "layout_uploader_1366x768")
        seen.append(page.evaluate(_TEXTS_JS))
        english = english_in("\n".join(seen))
        assert not english, f"English in opened widgets: {english}"
    finally:
        context.close()


def _slide_settled(page, timeout_s: float = TIMEOUT_S) -> None:
    """A slide has no h1 (charts are h2): settled when the run is over and the footer is drawn."""
    page.wait_for_function("""() => { const app = document.querySelector('[data-testid="stApp"]');
        return !!app && app.dataset.testScriptState === 'notRunning'
          && !!document.querySelector('.st-key-present_footer .st-key-present_next')
          && !document.querySelector('[data-testid="stSkeleton"]')
          && !!document.querySelector('[data-testid="stMainBlockContainer"] .js-plotly-plot, [data-testid="stMetricValue"]')
          && !document.querySelector('[data-stale="true"]'); }""", timeout=timeout_s * 1000)
    page.wait_for_timeout(600)


_SLIDE_FITS_JS = """() => {
  const footer = document.querySelector('.st-key-present_footer').getBoundingClientRect();
  const nav = ['.st-key-present_prev', '.st-key-present_next'].map(s => document.querySelector(s).getBoundingClientRect());
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const content = [...main.querySelectorAll('h1, h2, .js-plotly-plot, [data-testid="stMetric"], .st-key-present_findings')]
    .filter(e => !e.closest('.st-key-present_footer')).map(e => e.getBoundingClientRect().bottom);
  return {navOnScreen: nav.every(r => r.top >= 0 && r.bottom <= innerHeight && r.height > 0),
          footerBottom: footer.bottom, contentBottom: Math.max(...content), footerTop: footer.top,
          height: innerHeight, slide: document.querySelector('.st-key-present_footer').innerText.match(/\\d+ \\/ \\d+/)?.[0]};
}"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_every_slide_fits_with_its_navigation_and_the_keyboard_moves(browser, server, screenshots, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-BE")
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = context.new_page()
    try:
        page.goto(f"{server}/?present=1")
        _slide_settled(page)
        total = int(page.evaluate(_SLIDE_FITS_JS)["slide"].split("/")[1])
        assert total >= 10, "the map, the monthly trend and the ceilings slides are missing"
        seen, problems = [], []
        for n in range(1, total + 1):
            state = page.evaluate(_SLIDE_FITS_JS)
            seen.append(state["slide"])
            shoot(page, screenshots, f"layout_slide{n:02d}_{size[0]}x{size[1]}")
            if not state["navOnScreen"] or state["footerBottom"] > state["height"] + 1:
                problems.append(f"slide {n}: navigation off screen")
            if state["contentBottom"] > state["footerTop"] + 1:
                problems.append(f"slide {n}: content under the footer ({state['contentBottom']:.0f} > {state['footerTop']:.0f})")
            english = english_in(page.evaluate(_TEXTS_JS))
            if english:
                problems.append(f"slide {n}: English {english}")
            if n < total:
                page.locator("h1, h2").first.click()  # the page has the focus, not a button
                page.keyboard.press("ArrowRight")
                page.wait_for_function(f"() => document.querySelector('.st-key-present_footer')?.innerText.includes('{n + 1} / {total}')")
                _slide_settled(page)
        assert seen == [f"{n} / {total}" for n in range(1, total + 1)], seen
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"() => document.querySelector('.st-key-present_footer')?.innerText.includes('{total - 1} / {total}')")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
