"""The Executive Summary report, partly computed from the organisation's data."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from .dates import ms_date
from .money import ZERO, r2

LIVE = ("AUTHORISED", "PAID")


def _month(day):
    start = day.replace(day=1)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start, end


def _outstanding(org, doc_type, as_at):
    total = ZERO
    for inv in org.invoices.values():
        if inv["Type"] != doc_type or inv["Status"] not in LIVE or inv["Date"] > as_at:
            continue
        settled = sum(
            (
                org.payments[p]["Amount"]
                for p in inv["_payments"]
                if org.payments[p]["Status"] == "AUTHORISED"
                and org.payments[p]["Date"] <= as_at
            ),
            ZERO,
        )
        settled += sum(
            (a["Amount"] for a in inv["_allocations"] if a["Date"] <= as_at), ZERO
        )
        total += inv["Total"] - settled
    return total


def _period(org, start, end):
    received = spent = cumulative = ZERO
    for payment in org.payments.values():
        if payment["Status"] != "AUTHORISED" or payment["Date"] > end:
            continue
        sign = 1 if payment["PaymentType"] == "ACCRECPAYMENT" else -1
        cumulative += sign * payment["Amount"]
        if payment["Date"] >= start:
            if sign > 0:
                received += payment["Amount"]
            else:
                spent += payment["Amount"]
    income = expenses = ZERO
    issued = 0
    for inv in org.invoices.values():
        if inv["Status"] not in LIVE or not start <= inv["Date"] <= end:
            continue
        if inv["Type"] == "ACCREC":
            income += inv["SubTotal"]
            issued += 1
        else:
            expenses += inv["SubTotal"]
    seed = org.report_seed
    direct = r2(income * Decimal(20 + seed % 15) / 100)
    opening = Decimal(12000 + (seed % 9000))
    closing = opening + cumulative
    debtors = _outstanding(org, "ACCREC", end)
    creditors = -_outstanding(org, "ACCPAY", end)
    gross = income - direct
    profit = gross - expenses
    net_assets = closing + debtors + creditors
    days = Decimal((end - start).days + 1)
    return {
        "Cash received": received,
        "Cash spent": spent,
        "Cash surplus (deficit)": received - spent,
        "Closing bank balance": closing,
        "Income": income,
        "Direct costs": direct,
        "Gross profit (loss)": gross,
        "Other Income": ZERO,
        "Expenses": expenses,
        "Profit (loss)": profit,
        "Debtors": debtors,
        "Creditors": creditors,
        "Net assets": net_assets,
        "Number of invoices issued": issued,
        "Average value of invoices": (income / issued) if issued else ZERO,
        "Gross profit margin": (gross / income * 100) if income else None,
        "Net profit margin": (profit / income * 100) if income else None,
        "Return on investment (p.a.)": (
            (profit * 12 / net_assets * 100) if net_assets else ZERO
        ),
        "Average debtors days": (debtors / income * days) if income else ZERO,
        "Average creditors days": (-creditors / expenses * days) if expenses else ZERO,
        "Short term cash forecast": debtors + creditors,
        "Current assets to liabilities": (
            (closing + debtors) / -creditors if creditors else None
        ),
        "Term assets to liabilities": None,
    }


SECTIONS = [
    (
        "Cash",
        [
            "Cash received",
            "Cash spent",
            "Cash surplus (deficit)",
            "Closing bank balance",
        ],
    ),
    (
        "Profitability",
        [
            "Income",
            "Direct costs",
            "Gross profit (loss)",
            "Other Income",
            "Expenses",
            "Profit (loss)",
        ],
    ),
    ("Balance Sheet", ["Debtors", "Creditors", "Net assets"]),
    ("Income", ["Number of invoices issued", "Average value of invoices"]),
    (
        "Performance",
        ["Gross profit margin", "Net profit margin", "Return on investment (p.a.)"],
    ),
    (
        "Position",
        [
            "Average debtors days",
            "Average creditors days",
            "Short term cash forecast",
            "Current assets to liabilities",
            "Term assets to liabilities",
        ],
    ),
]
PERCENT_ROWS = {
    "Gross profit margin",
    "Net profit margin",
    "Return on investment (p.a.)",
}


def _fmt(label, value):
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if label in PERCENT_ROWS:
        return f"{value:.1f}%"
    return f"{r2(value):.2f}"


def _variance(current, previous):
    if not isinstance(current, (int, Decimal)) or not isinstance(
        previous, (int, Decimal)
    ):
        return "0.0%"
    if not previous:
        return "0.0%"
    return f"{(Decimal(current) - previous) / abs(Decimal(previous)) * 100:.1f}%"


def executive_summary(org, report_date, now):
    start, end = _month(report_date)
    prev_start, prev_end = _month(start - timedelta(days=1))
    cur, prev = _period(org, start, end), _period(org, prev_start, prev_end)
    rows = [
        {
            "RowType": "Header",
            "Cells": [
                {"Value": ""},
                {"Value": start.strftime("%b %Y")},
                {"Value": prev_start.strftime("%b %Y")},
                {"Value": "Variance"},
            ],
        }
    ]
    for title, labels in SECTIONS:
        rows.append(
            {
                "RowType": "Section",
                "Title": title,
                "Rows": [
                    {
                        "RowType": "Row",
                        "Cells": [
                            {"Value": label},
                            {"Value": _fmt(label, cur[label])},
                            {"Value": _fmt(label, prev[label])},
                            {"Value": _variance(cur[label], prev[label])},
                        ],
                    }
                    for label in labels
                ],
            }
        )
    return {
        "ReportName": "Executive Summary",
        "ReportType": "ExecutiveSummary",
        "ReportTitles": [
            "Executive Summary",
            org.name,
            f"For the month of {start.strftime('%B %Y')}",
        ],
        "ReportDate": f"{report_date.day} {report_date.strftime('%B %Y')}",
        "UpdatedDateUTC": ms_date(now),
        "Fields": [],
        "Rows": rows,
    }


def parse_report_date(text, today):
    if not text:
        return today
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
