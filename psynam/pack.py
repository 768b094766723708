"""The export pack for network representatives: one ZIP with every chart of the current view as PNG and
SVG (drawn from the suppressed data), the data as one XLSX (a sheet per chart, plus definitions) and a
short README in French (filters, definitions, small-count note, sources)."""

from __future__ import annotations

import io
import zipfile

from psynam import export, privacy
from psynam.charts.files import Stamp
from psynam.labels.report import TEXT as T


def readme(records, filters_text: str, data_date: str, xlsx_name: str, threshold: int | None = None) -> str:
    threshold = privacy.threshold_or_default(threshold)
    lines = [T["readme_title"], "=" * len(T["readme_title"]), "",
             f"{T['filters']} : {filters_text}", f"{T['data_date']} : {data_date}", "",
             T["readme_contents"].format(xlsx=xlsx_name), "", T["readme_charts"] + " :"]
    for r in records:
        lines.append(f"- {r.title} : {r.definition}")
    lines += ["", f"{T['suppression']} : {T['suppression_text'].format(threshold=threshold, last=threshold - 1)}",
              "", f"{T['sources']} : {T['sources_text']}", ""]
    return "\n".join(lines)


def build_zip(records, filters, filters_text: str, data_date: str, notes: list[tuple[str, str]],
              stamps: list | None = None) -> bytes:
    """records: blocks.ChartRecord-like objects (key, title, definition, build, published, columns); each
    image is framed with its stamp (title, filters, data date, source, small-count note), in both sizes."""
    stems = [export.file_stem(r.title, filters.date_from, filters.date_to) for r in records]
    seen: dict[str, int] = {}
    for i, stem in enumerate(stems):  # two charts with one title keep distinct files
        seen[stem] = seen.get(stem, 0) + 1
        if seen[stem] > 1:
            stems[i] = f"{stem}_{seen[stem]}"
    xlsx_name = export.file_stem("donnees", filters.date_from, filters.date_to) + ".xlsx"
    figures = [r.build(r.published) for r in records]
    stamps = stamps or [Stamp(r.title, (filters_text,)) for r in records]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for size, suffix in (("slide", ""), ("a4", "_a4")):
            for kind in ("png", "svg"):
                for stem, data in zip(stems, export.chart_files(figures, stamps, kind, size)):
                    archive.writestr(f"{stem}{suffix}.{kind}", data)
        sheets = [(r.title, r.published, r.columns) for r in records]
        definitions = notes + [(r.title, r.definition) for r in records]
        archive.writestr(xlsx_name, export.to_xlsx(sheets, definitions))
        archive.writestr("README.txt", readme(records, filters_text, data_date, xlsx_name).encode("utf-8"))
    return buffer.getvalue()


def sidebar_button(filters) -> None:
    """The pack's download button, under the page (app.py calls it after page.run(), when the page's charts
    are recorded). Images are drawn on click only."""
    import streamlit as st

    from psynam import access, audit, blocks, formatting as fmt, ui, views

    records = list(ui.current_charts())
    if filters is None or not access.current().can_download:
        return
    if not records:
        st.sidebar.caption(T["no_charts"])
        return
    last = ui.frame("filters/data_bounds").row(0, named=True)["last_date"]

    def pack() -> bytes:  # on click only
        return build_zip(records, filters, views.describe(filters), fmt.day(last),
                         blocks.notes(T["pack"], T["pack_help"], filters),
                         [blocks.stamp(r.title, filters) for r in records])

    name = export.file_stem("pack", filters.date_from, filters.date_to) + ".zip"
    st.sidebar.download_button(
        T["pack"], audit.tracked(pack, file_name=name, view="pack", filters=filters),
        name, "application/zip",
        key="export_pack", icon=":material/folder_zip:", help=T["pack_help"], on_click="ignore")
