"""Matching: suggestions for every Xero contact to review against a large
partner base, the way the refresh computes them."""

import statistics
import time
from collections import Counter

from psycopg2.extras import execute_values

from benchmarks import matching_data, odoo_env
from benchmarks.measure import measured, profiled
from benchmarks.report import limit_figure

TARGET_SECONDS = 20.0


def _insert_partners(cr, rows):
    execute_values(cr, """
        INSERT INTO res_partner (name, complete_name, is_company, email, phone, zip, active,
                                 type, autopost_bills, create_date, write_date)
        VALUES %s""", [
        (r["name"], r["name"], r["is_company"], r["email"], r["phone"], r["zip"], True,
         "contact", "ask") for r in rows],
        template="(%s, %s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC',"
                 " now() at time zone 'UTC')",
        page_size=5000)


def _core_only(connection, values):
    """The same work without the ORM: xero_core's Matcher on the rows the
    addon reads, then one match per contact."""
    from odoo.addons.xero_connector.xero_core.matching import (  # noqa: PLC0415
        Matcher,
        normalise_name,
    )

    cr = connection.env.cr
    cr.execute("""
        SELECT id, name, email, vat, company_registry, ref, phone, zip
          FROM res_partner
         WHERE active AND parent_id IS NULL AND (company_id IS NULL OR company_id = %s)
    """, [connection.company_id.id])
    columns = [c.name for c in cr.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cr.fetchall()]
    start = time.perf_counter()
    matcher = Matcher(rows)
    built = time.perf_counter()
    found = [matcher.match(v) for v in values]
    done = time.perf_counter()
    sample = [n for n in (_compared(matcher, normalise_name(v.get("name")))
                          for v in values[:1000]) if n is not None]
    return {"index_seconds": round(built - start, 3), "match_seconds": round(done - built, 3),
            "seconds": done - start, "partners": len(matcher),
            "matched": sum(1 for m in found if m.found),
            "ambiguous": sum(1 for m in found if m.ambiguous),
            "by_reason": dict(Counter(m.reason.split(" (")[0] for m in found if m.found)),
            "candidates_per_contact": round(statistics.mean(sample), 1) if sample else 0,
            "candidates_max": max(sample, default=0)}


def _compared(matcher, name):
    """Partners a contact's name is compared with (a diagnostic: it reads
    the matcher's blocks, None when their shape is unknown)."""
    if hasattr(matcher, "_blocks_for"):
        return sum(len(block[0]) for block in matcher._blocks_for(name))
    if hasattr(matcher, "_candidates"):
        return len(matcher._candidates(name))
    return None


def suggestions(bench, org):
    """Time to compute suggestions for every contact to review against
    ``matching_partners`` partners (inserted, then rolled back)."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    from benchmarks.contacts import review_bindings  # noqa: PLC0415

    with bench.reg.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        connection = bench.connection(env, org)
        bindings = review_bindings(env, connection)
        values = [b.xero_values or {} for b in bindings]
        cr.execute("SELECT count(*) FROM res_partner WHERE active AND parent_id IS NULL")
        existing = cr.fetchone()[0]
        rows = matching_data.partners(values, bench.volumes.matching_partners - existing)
        _insert_partners(cr, rows)
        env.invalidate_all()
        with profiled(bench.profile_dir, "matching"), measured() as m:
            matcher = env["xero.contact.reader"]._matcher(connection)
            env["xero.contact.reader"]._suggest_matches(bindings, matcher)
            env.flush_all()
        suggested = sum(1 for b in bindings if b.match_partner_id)
        core = _core_only(connection, values)
        cr.rollback()
    odoo_env.vacuum(bench.db, "res_partner")
    bench.add(limit_figure(
        "matching.suggestions",
        f"Matching: {len(values):,} contacts vs {len(matcher):,} partners", m.seconds, "s",
        TARGET_SECONDS, core["seconds"], "xero_core only",
        note=(f"xero_core alone: index {core['index_seconds']:.1f} s, matching "
              f"{core['match_seconds']:.1f} s; a name is compared with "
              f"{core['candidates_per_contact']:.0f} partners on average "
              f"(max {core['candidates_max']})"),
        details={"contacts": len(values), "partners": len(matcher), "suggested": suggested,
                 "core": core, **m.as_dict()}))
