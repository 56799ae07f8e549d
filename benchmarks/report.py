"""Figures of a run: the table printed at the end and the JSON file."""

import json
import os
from dataclasses import asdict, dataclass, field

UNITS = {
    "calls": lambda v: f"{v:,.0f} call" + ("" if v == 1 else "s"),
    "s": lambda v: f"{v:,.1f} s" if v >= 10 else f"{v:,.2f} s",
    "MB": lambda v: f"{v:,.0f} MB",
    "queries/record": lambda v: f"{v:,.2f} q/rec",
    "count": lambda v: f"{v:,.0f}",
}


@dataclass
class Figure:
    """One measured figure against its baseline (measured in the same run)
    and its target."""

    key: str
    label: str
    value: float | None
    unit: str
    target: str
    passed: bool | None
    baseline: float | None = None
    baseline_label: str = ""
    ratio: float | None = None
    note: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self):
        return asdict(self)


def ratio_figure(key, label, value, baseline, unit, max_ratio, baseline_label, **extra):
    """Passes when value / baseline <= max_ratio."""
    ratio = value / baseline if baseline else None
    passed = ratio is not None and ratio <= max_ratio + 1e-9
    figure = Figure(key, label, value, unit, f"≤ {max_ratio:g}×", passed, baseline,
                    baseline_label, ratio, **extra)
    if ratio is not None and not passed:
        figure.note = (f"missed by {(ratio / max_ratio - 1) * 100:.0f}% "
                       f"(ratio {ratio:.2f} vs ≤ {max_ratio:g}). " + figure.note).strip()
    return figure


def limit_figure(key, label, value, unit, maximum, baseline=None, baseline_label="",
                 **extra):
    """Passes when value <= maximum; the baseline is for information."""
    ratio = value / baseline if baseline else None
    passed = value <= maximum
    figure = Figure(key, label, value, unit, f"≤ {UNITS[unit](maximum)}", passed, baseline,
                    baseline_label, ratio, **extra)
    if not passed:
        figure.note = (f"missed by {(value / maximum - 1) * 100:.0f}% "
                       f"({UNITS[unit](value)} vs ≤ {UNITS[unit](maximum)}). "
                       + figure.note).strip()
    return figure


def error_figure(key, label, message):
    return Figure(key, label, None, "", "", None, note=f"ERROR: {message}")


def _fmt(value, unit):
    if value is None:
        return "-"
    return UNITS.get(unit, lambda v: f"{v:,.2f}")(value)


def table(figures):
    """The result table as text."""
    header = ("Figure", "Value", "Baseline", "Ratio", "Target", "Result")
    rows = []
    for fig in figures:
        result = "ERROR" if fig.passed is None and fig.note.startswith("ERROR") else (
            "-" if fig.passed is None else "PASS" if fig.passed else "FAIL")
        baseline = _fmt(fig.baseline, fig.unit)
        if fig.baseline is not None and fig.baseline_label:
            baseline = f"{baseline} ({fig.baseline_label})"
        rows.append((fig.label, _fmt(fig.value, fig.unit), baseline,
                     "-" if fig.ratio is None else f"{fig.ratio:.2f}×", fig.target, result))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    for row in rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    notes = [f"  * {fig.label}: {fig.note}" for fig in figures if fig.note]
    if notes:
        out += ["", "Notes:", *notes]
    return "\n".join(out)


def write_json(path, payload):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, default=str)
        handle.write("\n")
    os.replace(tmp, path)
