"""Request and response objects passed between the HTTP layer and the handlers."""

import json
import uuid
from urllib.parse import parse_qs, urlsplit


class BadJson(ValueError):
    pass


class Request:
    def __init__(self, method, target, headers, body=b""):
        self.method = method.upper()
        parts = urlsplit(target)
        self.target = target
        self.path = parts.path or "/"
        self.raw_query = parts.query
        self.query = parse_qs(parts.query, keep_blank_values=True)
        self._query_lower = {k.lower(): v for k, v in self.query.items()}
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body or b""

    def arg(self, name, default=None):
        """First value of a query parameter; names are case-insensitive."""
        values = self._query_lower.get(name.lower())
        return values[0] if values else default

    def flag(self, name, default=False):
        value = self.arg(name)
        if value is None or value == "":
            return default
        return value.strip().lower() in ("true", "1", "yes")

    def csv(self, name):
        values = self._query_lower.get(name.lower()) or []
        out = []
        for value in values:
            out.extend(v.strip() for v in value.split(",") if v.strip())
        return out

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def json(self):
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadJson(str(exc)) from exc

    def form(self):
        data = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return data

    def cookie(self, name):
        for part in (self.header("cookie") or "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None


class Response:
    def __init__(self, status=200, body=b"", content_type=None, headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else str(body).encode("utf-8")
        self.headers = dict(headers or {})
        if content_type:
            self.headers["Content-Type"] = content_type
        # Set by the HTTP layer from faults: hold back / drop the response.
        self.hang = 0.0
        self.drop = False
        self.data = None

    def header(self, name):
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data, status=200, headers=None):
    resp = Response(status, dumps(data), "application/json; charset=utf-8", headers)
    resp.data = data
    return resp


def text_response(text, status=200, content_type="text/plain; charset=utf-8"):
    return Response(status, text, content_type)


def html_response(html, status=200, headers=None):
    return Response(status, html, "text/html; charset=utf-8", headers)


def redirect(location, headers=None):
    resp = Response(302, b"", None, headers)
    resp.headers["Location"] = location
    return resp


def problem(status, title, detail, headers=None):
    """Xero's RFC 7807-style body for 401/403 answers."""
    return json_response(
        {
            "Type": None,
            "Title": title,
            "Status": status,
            "Detail": detail,
            "Instance": str(uuid.uuid4()),
            "Extensions": {},
        },
        status,
        headers,
    )
