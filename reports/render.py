"""Render the clause report (plain data from reports.clauses) as HTML and Markdown with Jinja2.

The HTML page is self-contained: inline CSS, the chart as inline SVG, no script and nothing
fetched, so it opens offline and can be mailed as one file.
"""
from __future__ import annotations

from html import escape

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from reports.matrix import clause_matrix

MODEL_COLOURS = {"JEM": "#1b9e77", "WSO": "#d95f02", "TFM": "#7570b3", "UNKNOWN": "#999999"}
STATUS_MARK = {"standard": "=", "near-standard": "≈", "variant": "≠", "missing": "✗", "absent": "·",
               "added": "+"}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False, default_for_string=False),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["redline_html"] = redline_html
    env.filters["redline_md"] = redline_md
    env.filters["numbers"] = numbers_text
    env.filters["mdcell"] = lambda s: ("" if s is None else str(s)).replace("|", "\\|").replace("\n", " ")
    env.globals["STATUS_MARK"] = STATUS_MARK
    return env


def redline_html(ops: list[list[str]]) -> Markup:
    parts = []
    for op, text in ops:
        t = escape(text)
        parts.append(f"<del>{t}</del>" if op == "delete" else f"<ins>{t}</ins>" if op == "insert" else t)
    return Markup(" ".join(parts))


def redline_md(ops: list[list[str]]) -> str:
    parts = []
    for op, text in ops:
        parts.append(f"~~{text}~~" if op == "delete" else f"**{text}**" if op == "insert" else text)
    return " ".join(parts)


def numbers_text(numbers: list[dict]) -> str:
    out = []
    for n in numbers or []:
        ref = ", ".join(str(v) for v in n["reference"]) or "—"
        var = ", ".join(str(v) for v in n["variant"]) or "—"
        out.append(f"{n['unit']}: {ref} → {var}")
    return "; ".join(out)


def chart_svg(by_model_year: dict[str, dict[str, int]], width: int = 640, height: int = 220) -> Markup:
    """Agreements per year, stacked by model, as an inline SVG bar chart."""
    years = sorted({y for c in by_model_year.values() for y in c})
    if not years:
        return Markup("")
    totals = {y: sum(c.get(y, 0) for c in by_model_year.values()) for y in years}
    top = max(totals.values()) or 1
    left, bottom, right, top_pad = 40, 30, 110, 10
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    bar = plot_w / len(years)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Agreements by year and model" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" id="chart-years">']
    for i in range(5):
        v = round(top * i / 4)
        y = top_pad + plot_h - plot_h * v / top
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{v}</text>')
    for i, year in enumerate(years):
        x, base = left + i * bar + bar * 0.15, top_pad + plot_h
        for model in sorted(by_model_year):
            n = by_model_year[model].get(year, 0)
            if not n:
                continue
            h = plot_h * n / top
            base -= h
            out.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar * 0.7:.1f}" height="{h:.1f}" '
                       f'fill="{MODEL_COLOURS.get(model, "#999")}"><title>{escape(model)} {escape(year)}: {n}</title></rect>')
        out.append(f'<text x="{x + bar * 0.35:.1f}" y="{top_pad + plot_h + 14}" font-size="10" '
                   f'text-anchor="middle">{escape(year)}</text>')
    for j, model in enumerate(sorted(by_model_year)):
        y = top_pad + 14 * j
        out.append(f'<rect x="{left + plot_w + 12}" y="{y}" width="10" height="10" '
                   f'fill="{MODEL_COLOURS.get(model, "#999")}"/><text x="{left + plot_w + 26}" y="{y + 9}" '
                   f'font-size="11">{escape(model)} ({sum(by_model_year[model].values())})</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _context(report: dict) -> dict:
    keys = report["keys"]
    interesting = [k for k in keys if (len(k["variants"]) > 1 and not k["fill_in"]) or k["missing"]]
    shown = {(k["key"], v["id"]) for k in interesting for v in k["variants"][1:]}

    def matrix_href(key: str, variant: str | None, _document_id: str) -> str | None:
        """A cell links to its variant's redline in this file, where the file shows one."""
        return f"#key-{key.replace('/', '-')}-{variant}" if (key, variant) in shown else None
    return {"r": report, "s": report["summary"], "keys": keys, "interesting": interesting,
            "matrix": clause_matrix(report), "matrix_href": matrix_href,
            "chart": chart_svg(report["summary"]["by_model_year"]),
            "deviating": [a for a in report["agreements"] if a["deviations"] or a["warning"]]}


def render_html(report: dict) -> str:
    return _env().get_template("report.html.j2").render(**_context(report))


def render_markdown(report: dict) -> str:
    return _env().get_template("report.md.j2").render(**_context(report))
