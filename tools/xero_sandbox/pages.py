"""HTML for the login, consent and error pages of the authorisation flow.

Form fields (stable ``name``/``id`` attributes for browsers and plain HTTP clients):

* login form ``#login-form``: ``POST /identity/login`` with ``txn`` (hidden),
  ``email`` (``#email``), ``password`` (``#password``), submit ``#login-submit``.
* consent form ``#consent-form``: ``POST /identity/connect/consent`` with ``txn``
  (hidden), one ``<input type="checkbox" name="tenant" value="<OrganisationID>"
  id="tenant-<OrganisationID>">`` per organisation (a single organisation is a
  hidden ``tenant`` input), and submit buttons ``name="action"``: ``value="allow"``
  (``#allow``, "Allow access") or ``value="cancel"`` (``#cancel``, "Cancel").
"""

from html import escape

SCOPE_LABELS = {
    "openid": "Verify your identity",
    "profile": "View your name",
    "email": "View your email address",
    "offline_access": "Keep access to your data while you are away (30 days+)",
    "accounting.contacts": "View and manage your contacts",
    "accounting.contacts.read": "View your contacts",
    "accounting.transactions": "View and manage your business transactions",
    "accounting.transactions.read": "View your business transactions",
    "accounting.invoices": "View and manage your invoices and credit notes",
    "accounting.invoices.read": "View your invoices and credit notes",
    "accounting.payments": "View and manage your payments",
    "accounting.payments.read": "View your payments",
    "accounting.settings": "View and manage your organisation settings",
    "accounting.settings.read": "View your organisation settings",
    "accounting.reports.read": "View your reports",
    "accounting.reports.executivesummary.read": "View your executive summary report",
}

_STYLE = """
body{font-family:Helvetica,Arial,sans-serif;background:#f4f6f8;margin:0;color:#1e3240}
main{max-width:440px;margin:48px auto;background:#fff;border-radius:8px;padding:32px;
box-shadow:0 2px 8px rgba(0,0,0,.1)}
h1{font-size:22px;margin:0 0 16px}
label{display:block;margin:12px 0 4px;font-weight:bold}
input[type=email],input[type=password]{width:100%;padding:8px;box-sizing:border-box}
button{margin-top:20px;padding:10px 18px;border:0;border-radius:4px;font-size:15px;
cursor:pointer} .primary{background:#13b5ea;color:#fff} .secondary{background:#e1e7ec}
.error{color:#c1272d;margin:8px 0} .orgs label{font-weight:normal}
.badge{font-size:12px;color:#6b7c8a} ul{padding-left:20px}
"""


def _page(title, body):
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def login_page(txn, app_name, error=None, email=""):
    err = f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    return _page(
        "Log in to Xero",
        f"""
<h1>Log in to Xero Sandbox</h1>
<p>{escape(app_name)} wants to connect to your organisation.</p>{err}
<form id="login-form" method="post" action="/identity/login">
<input type="hidden" name="txn" id="txn" value="{escape(txn)}">
<label for="email">Email address</label>
<input type="email" name="email" id="email" value="{escape(email)}"
 autocomplete="username">
<label for="password">Password</label>
<input type="password" name="password" id="password" autocomplete="current-password">
<button type="submit" class="primary" id="login-submit" name="action" value="login">
Log in</button>
</form>""",
    )


def consent_page(txn, app_name, person, scopes, orgs, ticked, error=None):
    err = f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    items = "".join(
        f"<li>{escape(SCOPE_LABELS.get(s, s))} "
        f'<span class="badge">{escape(s)}</span></li>'
        for s in scopes
    )
    if len(orgs) == 1:
        org = orgs[0]
        picker = (
            f'<p>Organisation: <strong id="tenant-name">{escape(org.name)}</strong></p>'
            f'<input type="hidden" name="tenant" id="tenant-{org.id}" value="{org.id}">'
        )
    elif orgs:
        boxes = "".join(
            f'<label><input type="checkbox" name="tenant" value="{o.id}" '
            f'id="tenant-{o.id}"{" checked" if o.id in ticked else ""}> '
            f"{escape(o.name)}</label>"
            for o in orgs
        )
        picker = (
            f'<p>Continue with <span id="tenant-count">{len(ticked)}</span> '
            f'organisation(s):</p><div class="orgs">{boxes}</div>'
        )
    else:
        picker = "<p>You have no organisations to connect.</p>"
    who = escape(f"{person['first_name']} {person['last_name']} ({person['email']})")
    return _page(
        "Allow access",
        f"""
<h1>{escape(app_name)} wants access to</h1>{err}
<p class="badge">Logged in as <span id="user">{who}</span> ·
<a href="/identity/logout?txn={escape(txn)}" id="switch-user">Not you?</a></p>
<ul id="scopes">{items}</ul>
<form id="consent-form" method="post" action="/identity/connect/consent">
<input type="hidden" name="txn" id="txn" value="{escape(txn)}">
{picker}
<button type="submit" class="primary" id="allow" name="action" value="allow">
Allow access</button>
<button type="submit" class="secondary" id="cancel" name="action" value="cancel">
Cancel</button>
</form>""",
    )


def error_page(title, detail):
    return _page(
        title,
        f'<h1>{escape(title)}</h1><p class="error" id="error">{escape(detail)}</p>',
    )
