"""Every chart of every page as the files it offers (SVG at both sizes, framed as the downloads and the pack
frame them), measured in Chromium: every text lies inside the image, no two tick labels of an axis overlap,
and the title, stamp lines and legend overlap nothing. Charts are gathered by running each page with
AppTest in public mode (hidden cells drawn as marks) on the committed sample, for a busy and a sparse view.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT, export
from psynam.charts.files import SIZES
from tests.conftest import each_tab
from tests.e2e.conftest import app_pages

pytestmark = pytest.mark.e2e

PAGES = [(file, key) for file, key, _path in app_pages() if key not in ("imports", "report", "glossary")]
PAGES = [p for p in PAGES if os.environ.get("PSYNAM_IMAGE_PAGES", "") in ("",) or p[1] in os.environ["PSYNAM_IMAGE_PAGES"].split(",")]
VIEWS = {  # a busy view (everything, 2025) and a sparse one (one small commune, one quarter): marks appear
    "busy": {"periode": ["2025-01-01", "2025-12-31"], "public": "true"},
    "sparse": {"periode": ["2025-04-01", "2025-06-30"], "commune": "Somme-Leuze", "public": "true"},
}

MEASURE_JS = """() => {
  const svg = document.querySelector('svg');
  const root = svg.getBoundingClientRect();
  const texts = [];
  for (const t of svg.querySelectorAll('text')) {
    const text = (t.textContent || '').trim();
    if (!text) continue;
    const r = t.getBoundingClientRect();
    if (r.width < 0.5 || r.height < 0.5) continue;
    const style = getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
    const tick = t.closest('g.xtick, g.ytick');
    const layer = t.closest('g.xaxislayer-above, g.yaxislayer-above');
    const part = t.closest('g.g-gtitle') ? 'title' : t.closest('g.legend') ? 'legend' : tick ? 'tick' : 'other';
    let axis = null;
    if (tick && layer) {
      const sub = t.closest('g[class*="subplot"]');
      axis = (tick.classList.contains('xtick') ? 'x' : 'y') + ':' + (sub ? sub.getAttribute('class') : '')
        + ':' + [...layer.parentNode.children].indexOf(layer);
    }
    texts.push({text, part, axis, x: r.left - root.left, y: r.top - root.top, w: r.width, h: r.height});
  }
  return {width: root.width, height: root.height, texts};
}"""


def _overlap(a, b, slack: float = 1.0) -> bool:
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > slack
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > slack)


def problems(measured: dict) -> list[str]:
    out = []
    width, height = measured["width"], measured["height"]
    texts = measured["texts"]
    for t in texts:
        if t["x"] < -0.5 or t["y"] < -0.5 or t["x"] + t["w"] > width + 0.5 or t["y"] + t["h"] > height + 0.5:
            out.append(f"clipped at the edge: {t['text']!r}")
    ticks: dict[str, list] = {}
    for t in texts:
        if t["axis"]:
            ticks.setdefault(t["axis"], []).append(t)
    for axis, group in ticks.items():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if _overlap(a, b):
                    out.append(f"tick labels overlap ({axis}): {a['text']!r} / {b['text']!r}")
    framing = [t for t in texts if t["part"] in ("title", "legend")]
    for a in framing:
        for b in texts:
            if b is not a and not (b["part"] == a["part"] == "legend") and _overlap(a, b, 2.0):
                out.append(f"{a['part']} text over another text: {a['text'][:40]!r} / {b['text'][:40]!r}")
    return sorted(set(out))


@pytest.fixture(scope="module")
def records(e2e_db, monkeypatch_module):
    """(page, view, record) for every chart each page draws in each view."""
    monkeypatch_module.setenv("PSYNAM_DB", str(e2e_db))
    found = []
    for file, key in PAGES:
        for view, params in VIEWS.items():
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
            for name, value in params.items():
                at.query_params[name] = value
            at.run()
            at.switch_page(file).run()
            for _tab in each_tab(at, key):  # every tab: only the open one draws
                assert not at.exception, (key, view, at.exception)
                found += [(key, view, r) for r in at.session_state["_charts_this_run"]]
    return found


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.mark.parametrize("size", list(SIZES))
def test_every_chart_image_is_unclipped(records, browser, size, tmp_path):
    from psynam.charts.files import Stamp

    assert records, "no chart was drawn"
    stamp_lines = ("Du 01/01/2025 au 31/12/2025 · Commune : Somme-Leuze · Données jusqu'au 31/10/2026",
                   "Source : Exports d'activité PSYNAM (RSN, RSK) ; population : Statbel, 1/1/2020 · « < 5 » : de 1 "
                   "à 4 personnes ou séances, non publié ; « masqué » : caché pour qu'un petit effectif ne puisse "
                   "pas être recalculé à partir des totaux.")
    figures = [r.build(r.published) for _, _, r in records]
    svgs = export.chart_files(figures, [Stamp(r.title, stamp_lines) for _, _, r in records], "svg", size)
    page = browser.new_page()
    failures = []
    keep = os.environ.get("PSYNAM_SCREENSHOTS")
    for (key, view, record), svg in zip(records, svgs):
        page.set_content(svg.decode("utf-8"))
        found = problems(page.evaluate(MEASURE_JS))
        if found:
            failures.append(f"{key}/{record.key} ({view}, {size}): " + "; ".join(found[:6]))
            if keep:
                (tmp_path / f"{record.key}_{view}_{size}.svg").write_bytes(svg)
    page.close()
    assert not failures, "\n".join(failures)


def test_the_measure_finds_a_clipped_label(browser):
    """The check itself: a label pushed past the edge and two overlapping ticks are reported."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
           '<text x="190" y="50">clipped label</text>'
           '<g class="xaxislayer-above"><g class="xtick"><text x="10" y="90">01/2025</text></g>'
           '<g class="xtick"><text x="20" y="90">02/2025</text></g></g></svg>')
    page = browser.new_page()
    page.set_content(svg)
    found = problems(page.evaluate(MEASURE_JS))
    page.close()
    assert any("clipped" in f for f in found) and any("overlap" in f for f in found)


def test_images_carry_their_stamp():
    import plotly.graph_objects as go

    from psynam.charts.files import Stamp, framed

    fig = framed(go.Figure(go.Bar(x=["Namur"], y=[3], name="RSN")), Stamp("Titre", ("Filtres", "Source")), "a4")
    assert fig.layout.title.text == "<b>Titre</b>" and "Filtres" in fig.layout.title.subtitle.text
    assert (fig.layout.width, fig.layout.height) == SIZES["a4"] and date  # noqa: B018
