"""Suggest the Odoo partner a Xero contact most likely is, with a score.

Identifiers decide first (contact number, email, tax number, company
number); otherwise names are compared after normalisation (case, accents,
punctuation, legal suffixes, "&"/"and") with rapidfuzz, phone and postcode
breaking ties. Names are only compared within blocks of partners sharing a
name token or token prefix, so 10,000 contacts against 100,000 partners is
not a 10^9 loop.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# Two candidates this close are ambiguous: shown as such, never auto-linked.
AMBIGUITY_MARGIN = 3.0
# A suggestion this good is most likely the same contact: importing it as a
# new partner is asked first.
LIKELY_SAME = 80.0
NAME_SCORE_CUTOFF = 60.0
# Name tokens shared by more partners than this are too common to block on.
MAX_BLOCK = 2000

SCORE_CONTACT_NUMBER = 100.0
SCORE_EMAIL = 98.0
SCORE_VAT = 97.0
SCORE_REGISTRY = 96.0
NAME_CEILING = 95.0  # a name alone never beats an identifier

LEGAL_SUFFIXES = frozenset("""
    ltd limited pty pte plc llc llp lp inc incorporated corp corporation co company
    gmbh ag sa sas sarl srl spa bv nv oy ab as aps kk the
""".split())
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_DIGITS = re.compile(r"\D+")


def normalise_name(name):
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("+", " and ")
    tokens = _PUNCT.sub(" ", text).split()
    meaningful = [t for t in tokens if t not in LEGAL_SUFFIXES]
    return " ".join(meaningful or tokens)


def normalise_id(value):
    """Tax / company numbers: letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", str(value or "")).upper()


def phone_key(value):
    digits = _DIGITS.sub("", str(value or ""))
    return digits[-8:] if len(digits) >= 6 else ""


def zip_key(value):
    return re.sub(r"\s+", "", str(value or "")).upper()


@dataclass(frozen=True)
class Match:
    partner_id: int | None
    score: float
    reason: str
    ambiguous: bool = False
    runner_up_id: int | None = None

    @property
    def found(self):
        return self.partner_id is not None


NO_MATCH = Match(None, 0.0, "")


class Matcher:
    """Index of partners (dicts with id, name, email, vat, company_registry,
    ref, phone, zip), queried with Xero sync values."""

    def __init__(self, partners):
        self.names = {}
        self.extra = {}
        self.by_ref = defaultdict(list)
        self.by_email = defaultdict(list)
        self.by_vat = defaultdict(list)
        self.by_registry = defaultdict(list)
        self.blocks = defaultdict(list)
        for partner in partners:
            pid = partner["id"]
            name = normalise_name(partner.get("name"))
            self.names[pid] = name
            self.extra[pid] = (phone_key(partner.get("phone")), zip_key(partner.get("zip")))
            if partner.get("ref"):
                self.by_ref[str(partner["ref"]).strip().upper()].append(pid)
            if partner.get("email"):
                self.by_email[str(partner["email"]).strip().lower()].append(pid)
            if normalise_id(partner.get("vat")):
                self.by_vat[normalise_id(partner["vat"])].append(pid)
            if normalise_id(partner.get("company_registry")):
                self.by_registry[normalise_id(partner["company_registry"])].append(pid)
            for key in _block_keys(name):
                self.blocks[key].append(pid)
        # Each block as (ids, names), aligned, for process.extract.
        self.blocks = {key: (ids, [self.names[i] for i in ids])
                       for key, ids in self.blocks.items()}

    def __len__(self):
        return len(self.names)

    def match(self, values):
        """Best partner for Xero sync ``values`` (see contact_mapping)."""
        for key, index, score, reason, normalise in (
            ("ref", self.by_ref, SCORE_CONTACT_NUMBER, "contact number",
             lambda v: str(v).strip().upper()),
            ("email", self.by_email, SCORE_EMAIL, "email", lambda v: str(v).strip().lower()),
            ("vat", self.by_vat, SCORE_VAT, "tax number", normalise_id),
            ("company_registry", self.by_registry, SCORE_REGISTRY, "company number",
             normalise_id),
        ):
            value = values.get(key)
            if not value:
                continue
            ids = index.get(normalise(value)) or []
            if len(ids) == 1:
                return Match(ids[0], score, reason)
            if len(ids) > 1:
                ranked = self._rank_names(values, ids)
                best = ranked[0] if ranked else (ids[0], 0.0)
                second = ranked[1] if len(ranked) > 1 else (ids[1], 0.0)
                # Same identifier on several partners: a clearly matching
                # name decides; otherwise the user does.
                ambiguous = best[1] < 80 or best[1] - second[1] < AMBIGUITY_MARGIN
                return Match(best[0], score, f"{reason} (shared by {len(ids)} partners)",
                             ambiguous, second[0])
        return self._match_name(values)

    def _blocks_for(self, name):
        """The (at most three) smallest blocks the name falls in. A true match
        shares a rare word (or its first letters, for typos) with the name;
        comparing within the rarest blocks keeps each lookup to a few
        hundred names instead of every partner sharing a common word."""
        found = []
        for key in _block_keys(name):
            block = self.blocks.get(key)
            if block:
                found.append(block)
        found.sort(key=lambda block: len(block[0]))
        usable = [b for b in found if len(b[0]) <= MAX_BLOCK]
        return usable[:3] or found[:1]

    def _bonus(self, pid, phone, postcode):
        p_phone, p_zip = self.extra[pid]
        return (3.0 if phone and phone == p_phone else 0.0) + (
            2.0 if postcode and postcode == p_zip else 0.0)

    def _score(self, raw, pid, phone, postcode):
        return min(NAME_CEILING, raw * NAME_CEILING / 100 + self._bonus(pid, phone, postcode))

    def _rank_names(self, values, ids):
        """[(partner_id, score)] best first, among the given partner ids."""
        name = normalise_name(values.get("name"))
        if not name or not ids:
            return []
        ids = list(ids)
        scored = process.extract(name, [self.names[i] for i in ids],
                                 scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=0)
        phone, postcode = phone_key(values.get("phone")), zip_key(values.get("zip"))
        ranked = [(ids[pos], self._score(raw, ids[pos], phone, postcode))
                  for _choice, raw, pos in scored]
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked

    def _rank_in_blocks(self, values, name):
        """Like _rank_names, over the name's blocks (their name lists are
        built once, so nothing is copied per lookup)."""
        phone, postcode = phone_key(values.get("phone")), zip_key(values.get("zip"))
        best = {}
        for ids, names in self._blocks_for(name):
            # Tie-breakers add at most 5 points: keep enough runners-up.
            for _choice, raw, pos in process.extract(
                    name, names, scorer=fuzz.token_sort_ratio, limit=8,
                    score_cutoff=NAME_SCORE_CUTOFF - 6):
                pid = ids[pos]
                best[pid] = max(best.get(pid, 0.0), self._score(raw, pid, phone, postcode))
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    def _match_name(self, values):
        name = normalise_name(values.get("name"))
        if not name:
            return NO_MATCH
        ranked = [r for r in self._rank_in_blocks(values, name)
                  if r[1] >= NAME_SCORE_CUTOFF * NAME_CEILING / 100]
        if not ranked:
            return NO_MATCH
        best_id, best = ranked[0]
        if len(ranked) > 1 and best - ranked[1][1] < AMBIGUITY_MARGIN:
            return Match(best_id, round(best, 1), "name", True, ranked[1][0])
        return Match(best_id, round(best, 1), "name")


def _block_keys(name):
    keys = set()
    for token in name.split():
        if len(token) >= 2 or token.isdigit():
            keys.add(token)
            keys.add("~" + token[:4])
    return keys
