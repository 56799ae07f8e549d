from xero_core import exec_summary as es


def cells(*values):
    return [{"Value": v} for v in values]


REPORT = {
    "ReportName": "Executive Summary",
    "ReportType": "ExecutiveSummary",
    "ReportTitles": ["Executive Summary", "Client A Ltd", "For the month of May 2026"],
    "ReportDate": "15 May 2026",
    "UpdatedDateUTC": "/Date(1778800000000)/",
    "Fields": [],
    "Rows": [
        {"RowType": "Header", "Cells": cells("", "May 2026", "Apr 2026", "Variance")},
        {
            "RowType": "Section",
            "Title": "Cash",
            "Rows": [
                {"RowType": "Row", "Cells": cells("Cash received", "1200.00", "800.00", "50.0%")},
                {
                    "RowType": "Row",
                    "Cells": cells("Closing bank balance", "15000.5", "13800.5", "8.7%"),
                },
            ],
        },
        {
            "RowType": "Section",
            "Title": "Performance",
            "Rows": [
                {"RowType": "Row", "Cells": cells("Gross profit margin", "100.0%", "", "0.0%")},
            ],
        },
        {
            "RowType": "Section",
            "Title": "Income",
            "Rows": [
                {"RowType": "Row", "Cells": cells("Number of invoices issued", "1", "0", "0.0%")},
                {"RowType": "SummaryRow", "Cells": cells("Total", "1")},
            ],
        },
    ],
}


def test_sections_and_rows_come_from_the_report():
    summary = es.normalise(REPORT)
    assert summary["columns"] == ["May 2026", "Apr 2026", "Variance"]
    assert [s["title"] for s in summary["sections"]] == ["Cash", "Performance", "Income"]
    cash = summary["sections"][0]["rows"]
    assert cash[0] == {
        "label": "Cash received",
        "values": ["1200.00", "800.00", "50.0%"],
        "summary": False,
    }
    assert summary["titles"][1] == "Client A Ltd"
    assert summary["date"] == "15 May 2026"


def test_values_keep_xero_formatting():
    summary = es.normalise(REPORT)
    assert es.find_value(summary, "gross profit margin") == "100.0%"
    assert es.find_value(summary, "Closing bank balance") == "15000.5"
    assert es.find_value(summary, "Closing bank balance", column=2) == "8.7%"
    assert es.find_value(summary, "No such row") is None


def test_short_rows_are_padded_and_summary_rows_flagged():
    total = es.normalise(REPORT)["sections"][2]["rows"][1]
    assert total == {"label": "Total", "values": ["1", "", ""], "summary": True}


def test_unknown_sections_and_rows_are_shown_too():
    report = dict(
        REPORT,
        Rows=REPORT["Rows"]
        + [
            {
                "RowType": "Section",
                "Title": "Something new",
                "Rows": [
                    {
                        "RowType": "Row",
                        "Cells": cells("New ratio", "1.23", "4.56", "-73.0%", "extra"),
                    }
                ],
            },
        ],
    )
    summary = es.normalise(report)
    assert summary["sections"][-1]["title"] == "Something new"
    # A wider row widens every row and the header.
    assert summary["columns"] == ["May 2026", "Apr 2026", "Variance", ""]
    assert summary["sections"][0]["rows"][0]["values"][-1] == ""
    assert summary["sections"][-1]["rows"][0]["values"] == ["1.23", "4.56", "-73.0%", "extra"]


def test_rows_outside_sections_and_nested_sections():
    report = {
        "Rows": [
            {"RowType": "Row", "Cells": cells("Loose", "1")},
            {"RowType": "Row", "Cells": cells("Loose too", "2")},
            {
                "RowType": "Section",
                "Title": "Outer",
                "Rows": [
                    {
                        "RowType": "Section",
                        "Title": "Inner",
                        "Rows": [{"RowType": "Row", "Cells": cells("Deep", "3")}],
                    },
                ],
            },
            {"RowType": "Section", "Title": "", "Rows": []},
        ]
    }
    summary = es.normalise(report)
    titles = [s["title"] for s in summary["sections"]]
    assert titles == ["", "Outer", "Outer / Inner"]
    assert [r["label"] for r in summary["sections"][0]["rows"]] == ["Loose", "Loose too"]
    assert summary["columns"] == [""]  # no header: blank column titles


def test_odd_values_do_not_break_it():
    summary = es.normalise(
        {
            "Rows": [
                {"RowType": "Header", "Cells": [{"Value": ""}, {}, {"Value": None}]},
                {
                    "RowType": "Section",
                    "Title": "Cash",
                    "Rows": [
                        {"RowType": "Row", "Cells": [{"Value": 12.5}, {"Value": 3}]},
                        {"RowType": "Row"},
                        "not a row",
                    ],
                },
                None,
            ]
        }
    )
    rows = summary["sections"][0]["rows"]
    assert rows[0]["label"] == "12.5"
    assert rows[0]["values"] == ["3", ""]  # padded to the two header columns
    assert rows[1] == {"label": "", "values": ["", ""], "summary": False}


def test_empty_and_missing_reports():
    for report in (None, {}, {"Rows": None}, {"Rows": [{"RowType": "Header", "Cells": []}]}):
        summary = es.normalise(report)
        assert summary["sections"] == []
        assert es.is_empty(summary)
    assert not es.is_empty(es.normalise(REPORT))
    assert es.is_empty(None)


def test_amounts_are_formatted_and_the_rest_kept():
    summary = {"sections": [{"title": "Cash", "rows": [
        {"label": "Cash received", "values": ["590.00", "-1,234.50", ""], "summary": False},
        {"label": "Number of invoices", "values": ["3", "30", "12.5%"], "summary": False},
    ]}]}
    shown = es.format_amounts(summary, lambda v: f"NZD {v:,.2f}")
    assert shown["sections"][0]["rows"][0]["values"] == ["NZD 590.00", "NZD -1,234.50", ""]
    assert shown["sections"][0]["rows"][1]["values"] == ["3", "30", "12.5%"]
    assert summary["sections"][0]["rows"][0]["values"][0] == "590.00", "a copy"
