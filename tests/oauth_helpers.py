"""Drive the sandbox's login and consent pages like a browser would."""

import re
from urllib.parse import parse_qs, urlparse

import requests

from .common import LOGIN


def hidden(html, name):
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html)
    return match and match.group(1)


def consent(sandbox_url, authorize_url, email=LOGIN, password="secret", tenants=(),
            action="allow", session=None):
    """Log in, tick ``tenants`` and answer the consent screen; return the
    URL Xero redirects the browser to (our callback)."""
    session = session or requests.Session()
    page = session.get(authorize_url, allow_redirects=False, timeout=10)
    assert page.status_code == 200, page.text[:300]
    if 'id="login-form"' in page.text:
        page = session.post(
            f"{sandbox_url}/identity/login",
            data={"txn": hidden(page.text, "txn"), "email": email, "password": password},
            allow_redirects=True, timeout=10,
        )
    assert 'id="consent-form"' in page.text, page.text[:300]
    data = {"txn": hidden(page.text, "txn"), "action": action}
    if tenants:
        data["tenant"] = list(tenants)
    answer = session.post(f"{sandbox_url}/identity/connect/consent", data=data,
                          allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303), answer.text[:300]
    return answer.headers["Location"]


def path_of(url):
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
