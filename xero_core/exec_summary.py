"""Xero's Executive Summary report -> sections and rows to display.

Nothing here knows which rows Xero sends: the ``Header`` row names the
columns, every ``Section`` row becomes a section holding its rows, and cell
values are kept exactly as Xero formats them ("590.00", "100.0%", "1"), so a
row Xero adds tomorrow shows up without a code change.
"""

import copy
import re

ROW_KINDS = ("Row", "SummaryRow")
# Xero writes amounts with two decimals ("590.00", "-1,234.50"); counts
# ("3"), days ("30") and percentages ("12.5%") have none.
_AMOUNT = re.compile(r"^-?\d{1,3}(,?\d{3})*\.\d{2}$")


def _cell(cell):
    if isinstance(cell, dict):
        value = cell.get("Value")
    else:
        value = cell
    if value is None or value is False:
        return ""
    return str(value).strip()


def _cells(row):
    cells = row.get("Cells") if isinstance(row, dict) else None
    return [_cell(c) for c in cells or []] if isinstance(cells, list) else []


def _row(row):
    cells = _cells(row)
    return {
        "label": cells[0] if cells else "",
        "values": cells[1:],
        "summary": row.get("RowType") == "SummaryRow",
    }


def _sections(rows, title, out):
    """Append the sections of ``rows`` to ``out``; rows found outside any
    section are gathered in an untitled one, nested sections are flattened."""
    loose = None
    for row in rows or []:
        if not isinstance(row, dict):
            continue
        kind = row.get("RowType")
        if kind == "Section":
            loose = None
            section = {"title": _cell(row.get("Title")), "rows": []}
            out.append(section)
            for child in row.get("Rows") or []:
                if isinstance(child, dict) and child.get("RowType") in ROW_KINDS:
                    section["rows"].append(_row(child))
                elif isinstance(child, dict) and child.get("RowType") == "Section":
                    joined = " / ".join(
                        t for t in (section["title"], _cell(child.get("Title"))) if t
                    )
                    _sections([dict(child, Title=joined)], "", out)
        elif kind in ROW_KINDS:
            if loose is None:
                loose = {"title": title, "rows": []}
                out.append(loose)
            loose["rows"].append(_row(row))
    return out


def normalise(report):
    """Report JSON (``Reports[0]``) -> a dict ready for a template:

    ``{"name", "titles", "date", "updated", "columns", "sections"}`` where
    ``columns`` are the header cells after the label column (e.g. current
    month, previous month, "Variance") and each section is
    ``{"title", "rows": [{"label", "values", "summary"}]}`` with ``values``
    padded to the number of columns.
    """
    if not isinstance(report, dict):
        report = {}
    rows = report.get("Rows") if isinstance(report.get("Rows"), list) else []
    header = next((r for r in rows if isinstance(r, dict) and r.get("RowType") == "Header"), None)
    columns = _cells(header)[1:] if header else []
    sections = [s for s in _sections(rows, "", []) if s["title"] or s["rows"]]
    width = max([len(columns)] + [len(r["values"]) for s in sections for r in s["rows"]])
    columns += [""] * (width - len(columns))
    for section in sections:
        for row in section["rows"]:
            row["values"] += [""] * (width - len(row["values"]))
    titles = report.get("ReportTitles")
    return {
        "name": _cell(report.get("ReportName")),
        "titles": [_cell(t) for t in titles] if isinstance(titles, list) else [],
        "date": _cell(report.get("ReportDate")),
        "updated": _cell(report.get("UpdatedDateUTC")),
        "columns": columns,
        "sections": sections,
    }


def is_empty(summary):
    """Whether a normalised report has no row to show."""
    return not any(section["rows"] for section in (summary or {}).get("sections") or [])


def find_value(summary, label, column=0):
    """The value of the row labelled ``label`` (case-insensitive) in
    ``column`` (0 = the first value column), or None."""
    wanted = (label or "").casefold()
    for section in (summary or {}).get("sections") or []:
        for row in section["rows"]:
            if row["label"].casefold() == wanted:
                values = row["values"]
                return values[column] if column < len(values) else None
    return None


def is_amount(value):
    return bool(_AMOUNT.match(value or ""))


def format_amounts(summary, formatter):
    """A copy of a normalised ``summary`` whose amount cells went through
    ``formatter(float) -> str`` (e.g. with the organisation's currency)."""
    summary = copy.deepcopy(summary)
    for section in summary["sections"]:
        for row in section["rows"]:
            row["values"] = [formatter(float(v.replace(",", ""))) if is_amount(v) else v
                             for v in row["values"]]
    return summary
