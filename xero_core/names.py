"""Names and text as Xero and Odoo hold them: one clean string, and a
person's single Odoo name against Xero's first and last name."""


def text(value):
    """Xero value -> clean string ("" for missing)."""
    if value is None or value is False:
        return ""
    return " ".join(str(value).split())


def split_person_name(name, hint=None):
    """"Mary Ann Smith" -> ("Mary Ann", "Smith"): Odoo keeps one name.

    ``hint`` is the (first, last) last synced with Xero: when it still
    spells the name, it is the split ("Jan" + "van der Berg")."""
    if hint and join_person_name(*hint) == text(name):
        return text(hint[0]), text(hint[1])
    parts = text(name).split(" ")
    if len(parts) <= 1:
        return text(name), ""
    return " ".join(parts[:-1]), parts[-1]


def join_person_name(first, last):
    return " ".join(p for p in (text(first), text(last)) if p)
