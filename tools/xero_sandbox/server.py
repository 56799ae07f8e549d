"""HTTP plumbing and routing. One port serves Xero's login, identity and API hosts."""

import copy
import socket
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import accounting, control, identity, oauth, tokens
from .dates import iso_utc
from .demo import load_demo
from .envelope import NOT_FOUND, simple_validation_error
from .faults import fault_response, rewrite_body, rewrite_ids
from .seed import load_seed
from .store import Store
from .wire import Request, Response, json_response, problem, text_response

API_PREFIX = "/api.xro/2.0/"


class SandboxServer:
    """A running sandbox. ``SandboxServer(port=0).start()`` for tests."""

    def __init__(
        self,
        host="127.0.0.1",
        port=8070,
        demo=False,
        seed=None,
        rate_limits=None,
        verbose=False,
    ):
        self.store = Store(rate_limits)
        self.demo = demo
        self.seed = seed
        self.verbose = verbose
        self.initial_config = copy.deepcopy(self.store.config)
        self._load(seed, demo)
        self.httpd = _HTTPServer((host, port), _Handler)
        self.httpd.sandbox = self
        self.host = host
        self.port = self.httpd.server_address[1]
        self.store.webhooks.base_url = self.url
        self._thread = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def _load(self, seed, demo):
        result = {}
        if demo:
            result["demo"] = load_demo(self.store)
        if seed:
            result["seed"] = load_seed(self.store, seed)
        return result

    def reset(self, seed=None, demo=False):
        store = self.store
        with store.lock:
            store.reset()
            store.clock.set_offset(0)
            store.config = copy.deepcopy(self.initial_config)
            store.set_rate_limits(self.initial_config["rate_limits"])
            return self._load(seed, demo)

    def start(self):
        self.store.webhooks.start()
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="xero-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self):
        self.store.webhooks.start()
        try:
            self.httpd.serve_forever()
        finally:
            self.store.webhooks.stop()

    def stop(self):
        self.store.webhooks.stop()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # request handling

    def handle(self, req):
        path = req.path.lower()
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            return control.handle(self, req)
        store = self.store
        started = time.monotonic()
        entry = {
            "ts": iso_utc(store.clock.now()),
            "method": req.method,
            "path": req.path,
            "query": {k: v[0] if len(v) == 1 else v for k, v in req.query.items()},
            "tenant": (req.header("xero-tenant-id") or "").strip().lower() or None,
            "idempotency_key": req.header("idempotency-key"),
            "if_modified_since": req.header("if-modified-since"),
            "status": None,
            "problem": None,
        }
        fault = store.faults.take(req.method, req.path, entry["tenant"])
        if fault:
            entry["fault"] = fault["kind"]
        try:
            resp = self._with_fault(req, path, entry, fault)
        except Exception as exc:  # keep serving; report like Xero's 500
            resp = json_response(
                {
                    "ErrorNumber": 500,
                    "Type": "UnknownErrorException",
                    "Message": f"{type(exc).__name__}: {exc}",
                },
                500,
            )
            if self.verbose:
                traceback.print_exc()
        entry["status"] = None if resp.drop else resp.status
        entry["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        if entry.get("endpoint") and not resp.drop:
            entry["bytes"] = len(resp.body)
            with store.lock:
                store.egress[entry["tenant"]] += len(resp.body)
        if resp.status == 429:
            entry["problem"] = resp.header("X-Rate-Limit-Problem")
        elif fault:
            entry["problem"] = f"fault:{fault['kind']}"
        store.record(entry)
        return resp

    def _with_fault(self, req, path, entry, fault):
        kind = fault["kind"] if fault else None
        if kind in ("status", "rate_limit"):
            return fault_response(fault)
        if kind == "token_expired":
            return tokens.token_expired(self.store.clock.time() - 1)
        if kind == "invalid_grant":
            return json_response({"error": "invalid_grant"}, 400)
        before = after = 0.0
        drop = False
        if kind == "hang":
            seconds = float(fault.get("seconds", 5))
            if fault.get("apply"):
                after = seconds
            else:
                before = seconds
                drop = fault.get("then") == "drop"
        elif kind == "drop":
            drop = True
            if not fault.get("apply"):
                resp = Response(0)
                resp.drop = True
                return resp
        if drop and before:
            time.sleep(before)
            resp = Response(0)
            resp.drop = True
            return resp
        resp = self._route(req, path, entry, before, after)
        if drop:
            resp.drop = True
        if kind == "body":
            resp = rewrite_body(resp, fault)
        elif kind == "wrong_id":
            resp = rewrite_ids(resp, fault)
        return resp

    def _route(self, req, path, entry, before=0.0, after=0.0):
        if path.startswith(API_PREFIX):
            return self._accounting(req, entry, before, after)
        if before:
            time.sleep(before)
        store = self.store
        if path == "/connections" or path.startswith("/connections/"):
            resp = self._connections(req, path, entry)
        else:
            handler = IDENTITY_ROUTES.get((req.method, path.rstrip("/")))
            if handler is None:
                return text_response(
                    "The resource you're looking for cannot be found", 404
                )
            with store.lock:
                resp = handler(store, req)
        if after:
            time.sleep(after)
        return resp

    def _connections(self, req, path, entry):
        store = self.store
        with store.lock:
            token, error = tokens.authenticate(store, req)
        if error:
            return error
        entry["client_id"] = token["client_id"]
        problem_, retry, headers = store.limiter.acquire(None, token["client_id"])
        if problem_:
            return _too_many(problem_, retry, headers)
        with store.lock:
            if req.method == "GET" and path.rstrip("/") == "/connections":
                resp = identity.list_connections(store, req, token)
            elif req.method == "DELETE" and path.count("/") == 2:
                resp = identity.delete_connection(store, req, token, path.split("/")[2])
            else:
                resp = text_response(
                    "The resource you're looking for cannot be found", 404
                )
        resp.headers.update(headers)
        return resp

    def _accounting(self, req, entry, before, after):
        store = self.store
        if len(req.target) > store.config["max_url_length"]:
            return text_response(NOT_FOUND, 404)
        subpath = req.path[len(API_PREFIX) :]
        handler, group, match, known = accounting.route(req.method, subpath)
        if handler is None:
            return text_response(NOT_FOUND, 405 if known else 404)
        with store.lock:
            token, error = tokens.authenticate(store, req)
            if error:
                return error
            entry["client_id"] = token["client_id"]
            tenant = entry["tenant"]
            org = store.org(tenant)
            if (
                org is None
                or store.connection_for(token["user_id"], token["client_id"], tenant)
                is None
            ):
                return problem(403, "Forbidden", "AuthenticationUnsuccessful")
            if not token["scopes"] & accounting.allowed_scopes(group, req.method):
                status = int(store.config.get("missing_scope_status", 403))
                title = "Forbidden" if status == 403 else "Unauthorized"
                return problem(status, title, "AuthorizationUnsuccessful")
            app = store.apps[token["client_id"]]
        entry["endpoint"] = f"{req.method} {accounting.endpoint_name(subpath)}"
        key = (
            req.header("idempotency-key")
            if req.method in ("PUT", "POST", "PATCH")
            else None
        )
        if key is not None and len(key) > 128:
            return simple_validation_error(
                "Idempotency-Key must not exceed 128 characters."
            )
        problem_, retry, headers = store.limiter.acquire(org.id, token["client_id"])
        if problem_:
            return _too_many(problem_, retry, headers)
        try:
            if before:
                time.sleep(before)
            with store.lock:
                stored = org.idempotency.get((token["client_id"], key)) if key else None
                if stored is not None:
                    status, body, content_type = stored
                    resp = Response(status, body, content_type)
                    entry["replayed"] = True
                else:
                    resp = accounting.dispatch(store, req, org, app, handler, match)
                    if key and resp.status < 500:
                        org.idempotency[(token["client_id"], key)] = (
                            resp.status,
                            resp.body,
                            resp.header("Content-Type"),
                        )
            if after:
                time.sleep(after)
        finally:
            store.limiter.release(org.id)
        resp.headers.update(headers)
        return resp


def _too_many(problem_, retry, headers):
    headers = dict(headers)
    headers["X-Rate-Limit-Problem"] = problem_
    if retry is not None:
        headers["Retry-After"] = str(retry)
    return Response(429, b"", None, headers)


IDENTITY_ROUTES = {
    ("GET", "/identity/connect/authorize"): oauth.authorize,
    ("POST", "/identity/login"): oauth.login,
    ("GET", "/identity/logout"): oauth.logout,
    ("GET", "/identity/connect/consent"): oauth.consent_get,
    ("POST", "/identity/connect/consent"): oauth.consent_post,
    ("POST", "/connect/token"): tokens.token,
    ("POST", "/connect/revocation"): tokens.revoke,
    ("GET", ""): lambda store, req: json_response(
        {
            "service": "Xero API sandbox",
            "login_url": f"{tokens.base_url(req)}/identity/connect/authorize",
            "token_url": f"{tokens.base_url(req)}/connect/token",
            "api_url": f"{tokens.base_url(req)}/api.xro/2.0",
            "control": f"{tokens.base_url(req)}/_sandbox/",
        }
    ),
}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) or not self.sandbox.verbose:
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "XeroSandbox/1.0"
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 60

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle and
        # the client's delayed ACK hold every keep-alive answer back ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        sandbox = self.server.sandbox
        length = int(self.headers.get("Content-Length") or 0)
        if length > sandbox.store.config["max_body_bytes"]:
            self.close_connection = True
            self._send(text_response("Request Entity Too Large", 413))
            return
        req = Request(
            self.command, self.path, dict(self.headers.items()), self._read_body()
        )
        resp = sandbox.handle(req)
        if resp.drop:
            self._reset()
            return
        self._send(resp)

    def _send(self, resp):
        try:
            self.send_response(resp.status)
            for key, value in resp.headers.items():
                self.send_header(key, value)
            if resp.status not in (204, 304):
                self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if resp.status not in (204, 304) and self.command != "HEAD":
                self.wfile.write(resp.body)
            self.wfile.flush()
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _reset(self):
        """Abort the connection with a TCP RST, as a dropped upstream would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.connection.close()
        except OSError:
            pass

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, fmt, *args):
        if self.server.sandbox.verbose:
            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")
