"""Partners for the matching benchmark.

About a third of them are the Xero contacts under another spelling (a legal
suffix, upper case, swapped letters) or with the same email. The rest are
unrelated partners whose words follow a long-tailed distribution, as in a
real partner base: the sandbox generator's surnames and trade words are among
the common ones (each in roughly 0.3-2 % of the partners), so a Xero name
shares its words with hundreds of partners and the matcher's blocks are as
crowded as they get in practice.
"""

import importlib
import itertools
import os
import random
import sys

from benchmarks.sandbox import REPO

SYLLABLES = ["ka", "ro", "mi", "ta", "ne", "lo", "su", "vi", "da", "pe", "ri", "ho", "za",
             "mu", "te", "li", "wa", "no", "be", "gu", "sha", "ton", "mar", "el"]
MORE_TRADES = ["Roofing", "Bakery", "Motors", "Builders", "Accounting", "Cleaning",
               "Security", "Travel", "Optometry", "Joinery", "Flooring", "Painting", "Freight",
               "Nursery", "Vets", "Physio", "Realty", "Signs"]
SUFFIXES = ["Ltd", "Limited", "Group", "Services", "NZ", "& Co", "Holdings", "Trust"]


def _generator_words():
    """The sandbox generator's first names, surnames and trades."""
    tools = os.path.join(REPO, "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    generate = importlib.import_module("xero_sandbox.generate")
    return generate.FIRST, generate.LAST, generate.TRADES


class _Vocabulary:
    """Words drawn with weight 1/sqrt(rank); ``common`` words take every
    ``step``-th rank from ``first_rank`` on."""

    def __init__(self, rng, common, size, first_rank, step):
        others = []
        seen = {w.lower() for w in common}
        while len(others) < size - len(common):
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
            if word.lower() not in seen:
                seen.add(word.lower())
                others.append(word)
        ranked = [None] * size
        for i, word in enumerate(common):
            ranked[first_rank - 1 + i * step] = word
        rest = iter(others)
        self.words = [w if w else next(rest) for w in ranked]
        self.cumulative = list(itertools.accumulate(
            1 / (rank ** 0.5) for rank in range(1, size + 1)))
        self.rng = rng

    def pick(self):
        return self.rng.choices(self.words, cum_weights=self.cumulative)[0]


def _variant(name, rng):
    """The same company as someone typed it in Odoo."""
    roll = rng.random()
    if roll < 0.4:
        return f"{name} Ltd"
    if roll < 0.7:
        return name.upper()
    chars = list(name)
    pos = rng.randrange(1, max(2, len(chars) - 1))
    chars[pos - 1], chars[pos] = chars[pos], chars[pos - 1]
    return "".join(chars)


def partners(xero_values, total, seed=7):
    """``total`` partner dicts (name, is_company, email, phone, zip)."""
    rng = random.Random(seed)
    first, last, trades = _generator_words()
    surnames = _Vocabulary(rng, list(last), 300, first_rank=3, step=4)
    trade_words = _Vocabulary(rng, list(trades) + MORE_TRADES, 150, first_rank=2, step=3)
    first_names = _Vocabulary(rng, list(first), 60, first_rank=1, step=2)
    plain_words = _Vocabulary(rng, [], 3000, first_rank=1, step=1)
    out = []
    for values in xero_values:
        roll = rng.random()
        if roll < 0.25:
            out.append({"name": _variant(values["name"], rng), "is_company": True})
        elif roll < 0.35 and values.get("email"):
            out.append({"name": f"{plain_words.pick()} {trade_words.pick()}",
                        "is_company": True, "email": values["email"].upper()})
    while len(out) < total:
        roll = rng.random()
        if roll < 0.4:
            name, company = f"{first_names.pick()} {surnames.pick()}", False
        elif roll < 0.7:
            name, company = f"{surnames.pick()} {trade_words.pick()}", True
        elif roll < 0.85:
            name, company = f"{plain_words.pick()} {trade_words.pick()}", True
        else:
            name, company = f"{surnames.pick()} & {surnames.pick()}", True
        if company and rng.random() < 0.3:
            name = f"{name} {rng.choice(SUFFIXES)}"
        n = len(out)
        out.append({
            "name": name, "is_company": company,
            "email": f"p{n}@{plain_words.pick().lower()}.example" if rng.random() < 0.7
            else None,
            "phone": f"0{rng.randint(2, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            if rng.random() < 0.5 else None,
            "zip": f"{rng.randint(1000, 9999)}" if rng.random() < 0.6 else None,
        })
    return [dict({"email": None, "phone": None, "zip": None}, **p) for p in out[:total]]
