"""Take the README's screenshots from a running demo (see scripts/screenshots):
headless Chromium over the DevTools protocol at 1440x1000, logged in as
admin, connected to the sandbox's demo practice through the real OAuth pages.

    python scripts/screenshots.py ODOO_URL DB OUT_DIR

Besides the PNGs, OUT_DIR/layout.txt lists, per screen, what scrolls sideways
or is cut (text that does not fit its cell)."""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests
import websocket

WIDTH, HEIGHT = 1440, 1000
LOGIN, PASSWORD = "admin", "admin"
XERO_LOGIN, XERO_PASSWORD = "demo@example.com", "demo"

# What the page measures after each screen: sideways scrolling and cut text.
SCROLLERS = ".o_content, .o_list_renderer, .o_form_sheet_bg, .modal-body"
CUTTABLE = ("th", "td", "button", ".badge", "label", "input", ".o_stat_text", ".text-truncate",
            ".o_field_widget span")
TEXTS = ", ".join(f".o_content {tag}" for tag in CUTTABLE) + (
    ", .o_control_panel button, .o_control_panel .o_breadcrumb span,"
    " .o_control_panel .text-truncate")
LAYOUT_JS = """(() => {
  const wide = [...document.querySelectorAll(%s)]
    .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 2)
    .map(e => `${e.className.split(' ')[0]} scrolls sideways `
              + `(${e.scrollWidth} px in ${e.clientWidth} px)`);
  const cut = [...new Set([...document.querySelectorAll(%s)]
    .filter(e => e.offsetParent && (e.innerText || e.value || '').trim()
                 && getComputedStyle(e).display !== 'inline'
                 && e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.innerText || e.value).trim().replace(/\\s+/g, ' ').slice(0, 40)))];
  const panel = document.querySelector('.o_control_panel');
  if (panel && panel.offsetHeight > 120) {
    wide.push(`the control panel is ${panel.offsetHeight} px high (its buttons wrap)`);
  }
  if (cut.length) {
    wide.push(`${cut.length} text(s) cut, e.g. ` + cut.slice(0, 6).map(t => `"${t}"`).join(', '));
  }
  return wide;
})()""" % (json.dumps(SCROLLERS), json.dumps(TEXTS))


class Chrome:
    def __init__(self):
        binary = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                      "google-chrome"))), None)
        if not binary:
            sys.exit("screenshots: Chromium is not installed")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="xero-screens-chrome-")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--remote-debugging-port={port}", f"--user-data-dir={self.profile}",
             f"--window-size={WIDTH},{HEIGHT}", "--lang=en-US", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=2).json()
                page = next(p for p in pages if p["type"] == "page")
                break
            except Exception:  # noqa: BLE001 - Chromium is starting
                time.sleep(0.2)
        else:
            sys.exit("screenshots: Chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.counter = 0
        self.send("Emulation.setDeviceMetricsOverride",
                  width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def eval(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True,
                           returnByValue=True)
        if result.get("exceptionDetails"):
            raise RuntimeError(f"{expression[:200]}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def wait(self, condition, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.eval(f"(() => {{ try {{ return !!({condition}); }} "
                             f"catch (e) {{ return false; }} }})()"):
                    return
            except RuntimeError:
                pass  # navigating
            time.sleep(0.25)
        raise RuntimeError(f"timed out waiting for {what}")

    def goto(self, url):
        self.send("Page.navigate", url=url)
        time.sleep(0.5)
        self.wait("document.readyState === 'complete'", url)

    def click(self, selector):
        self.wait(f"document.querySelector({json.dumps(selector)})", selector)
        self.eval(f"document.querySelector({json.dumps(selector)}).click()")

    def fill(self, selector, value):
        self.wait(f"document.querySelector({json.dumps(selector)})", selector)
        self.eval(f"(el => {{ el.value = {json.dumps(value)}; "
                  f"el.dispatchEvent(new Event('input', {{bubbles: true}})); }})"
                  f"(document.querySelector({json.dumps(selector)}))")

    def settle(self):
        """The web client has loaded what it shows."""
        self.wait("document.querySelector('.o_action_manager .o_view_controller') && "
                  "!document.querySelector('.o_loading_indicator, .o_blockUI')", "the screen",
                  timeout=240)  # the first screen builds the web client's assets
        time.sleep(1.0)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


class Demo:
    def __init__(self, url, db, out):
        self.url, self.db, self.out = url.rstrip("/"), db, out
        self.chrome = Chrome()
        self.layout = []

    def rpc(self, model, method, *args, **kwargs):
        """A call as the web client makes it, in the logged-in page."""
        body = {"jsonrpc": "2.0", "method": "call", "params": {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs}}
        answer = self.chrome.eval(
            f"fetch('/web/dataset/call_kw/{model}/{method}', {{method: 'POST', "
            f"headers: {{'Content-Type': 'application/json'}}, "
            f"body: {json.dumps(json.dumps(body))}}}).then(r => r.json())")
        if "error" in answer:
            raise RuntimeError(f"{model}.{method}: {answer['error']['data']['message']}")
        return answer["result"]

    def open(self, path):
        self.chrome.goto(self.url + path)
        self.chrome.settle()

    def shoot(self, name):
        path = os.path.join(self.out, f"{name}.png")
        self.chrome.screenshot(path)
        problems = self.chrome.eval(LAYOUT_JS) or []
        self.layout.append(f"{name}.png: " + ("; ".join(problems) if problems else "fits"))
        print(f"  {path}")

    def login(self):
        self.chrome.goto(f"{self.url}/web/login?db={self.db}")
        self.chrome.fill("input[name=login]", LOGIN)
        self.chrome.fill("input[name=password]", PASSWORD)
        self.chrome.click("button[type=submit]")
        self.chrome.wait("location.pathname.startsWith('/odoo')", "the web client")

    def connect(self):
        """Settings > Connect to Xero, through the sandbox's login and consent
        pages, choosing the demo practice."""
        self.open("/odoo/action-account.action_account_config")
        self.chrome.click("button[name='action_xero_connect']")
        self.chrome.fill("#email", XERO_LOGIN)
        self.chrome.fill("#password", XERO_PASSWORD)
        self.chrome.click("#login-submit")
        self.chrome.wait("document.querySelector('#consent-form')", "the consent page")
        self.chrome.eval("document.querySelectorAll(\"input[name='tenant']\")"
                         ".forEach(el => { el.checked = true; })")
        self.chrome.click("#allow")
        self.chrome.wait("document.querySelector('#xero_pick_organisation')", "the picker")
        self.chrome.eval("[...document.querySelectorAll('input[data-tenant]')].find("
                         "el => el.closest('label, tr, li, div').innerText.includes('Practice'))"
                         ".click()")
        self.chrome.click("button[name='choose']")
        self.chrome.wait("document.querySelector('.o_form_view')", "the connection form")

    def prepare(self):
        """A linked customer with its ledger and changes not sent yet, a
        client linked to its own organisation, an invoice sent to Xero."""
        self.open("/odoo/action-xero_connector.action_server_xero_sync_screen")
        [line] = self.rpc("xero.contact", "search_read", [("xero_name", "=", "Bayside Club")],
                          ["id"], limit=1)
        self.rpc("xero.contact", "action_import", [line["id"]])
        [contact] = self.rpc("xero.contact", "read", [line["id"]], ["odoo_id"])
        partner_id = contact["odoo_id"][0]
        self.rpc("res.partner", "action_xero_ledger_refresh", [partner_id])
        self.rpc("res.partner", "write", [partner_id], {"city": "Lower Hutt"})
        self.rpc("res.partner", "create", {"name": "Tom Hill", "email": "tom@bayside.example",
                                           "parent_id": partner_id, "type": "contact"})
        wizard = self.rpc("xero.client.link.wizard", "create",
                          {"partner_id": partner_id})
        lines = self.rpc("xero.client.link.wizard.line", "search_read",
                         [("wizard_id", "=", wizard)], ["display_name"])
        [club] = [w for w in lines if "Bayside" in w["display_name"]]
        self.rpc("xero.client.link.wizard", "write", [wizard], {"line_id": club["id"]})
        self.rpc("xero.client.link.wizard", "action_link", [wizard])
        [connection] = self.rpc("xero.connection", "search", [])
        self.rpc("xero.connection", "write", [connection], {"invoice_sync_enabled": True})
        move = self.rpc("account.move", "create", {
            "move_type": "out_invoice", "partner_id": partner_id,
            "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 2,
                                         "price_unit": 150})]})
        self.rpc("account.move", "action_post", [move])
        crons = self.rpc("ir.cron", "search", [("xero_job", "=", "push_invoices")])
        self.rpc("ir.cron", "method_direct_trigger", crons)
        return connection, partner_id, move

    def run(self):
        os.makedirs(self.out, exist_ok=True)
        try:
            self.login()
            self.connect()
            connection, partner, move = self.prepare()
            self.open("/odoo/action-account.action_account_config")
            self.chrome.eval("document.querySelector(\"button[name='action_xero_connect'], "
                             "button[name='action_xero_open_connection']\")"
                             ".closest('.o_settings_container, .o_setting_box, .row')"
                             ".scrollIntoView({block: 'start'})")
            time.sleep(0.5)
            self.shoot("settings_xero")
            self.open(f"/odoo/action-xero_connector.action_xero_connection/{connection}")
            self.shoot("connection")
            self.open("/odoo/action-xero_connector.action_server_xero_sync_screen")
            tabs = self.chrome.eval("[...document.querySelectorAll("
                                    "'.o_search_panel_category_value header')]"
                                    ".map(e => e.innerText.trim().split('\\n')[0])")
            for index, tab in enumerate(tabs):
                self.chrome.eval(f"document.querySelectorAll("
                                 f"'.o_search_panel_category_value header')[{index}].click()")
                time.sleep(0.3)
                self.chrome.settle()
                self.shoot(f"sync_{tab.lower().replace(' ', '_')}")
            for tab, name in (("Xero", "partner_xero_tab"), ("Xero Sales Ledger", "sales_ledger"),
                              ("Xero Organisation", "client_organisation")):
                self.open(f"/odoo/res.partner/{partner}")
                self.chrome.eval(f"[...document.querySelectorAll('.o_notebook .nav-link')]"
                                 f".find(e => e.innerText.trim() === {json.dumps(tab)}).click()")
                time.sleep(0.5)
                self.chrome.eval("document.querySelector('.o_notebook').scrollIntoView()")
                time.sleep(0.5)
                self.shoot(name)
            self.open("/odoo/action-xero_connector.action_xero_ledger_invoice")
            self.shoot("sales_ledger_all_invoices")
            self.open("/odoo/action-xero_connector.action_xero_sync_log")
            self.shoot("sync_log")
            self.open(f"/odoo/account.move/{move}")
            self.chrome.eval("[...document.querySelectorAll('.o_notebook .nav-link')]"
                             ".find(e => e.innerText.trim() === 'Other Info').click()")
            time.sleep(0.5)
            self.chrome.eval("document.querySelector(\"button[name='action_xero_refresh']\")"
                             "?.closest('.o_inner_group, .o_group')"
                             "?.scrollIntoView({block: 'center'})")
            time.sleep(0.5)
            self.shoot("invoice_xero")
        finally:
            self.chrome.close()
        with open(os.path.join(self.out, "layout.txt"), "w") as f:
            f.write("\n".join(self.layout) + "\n")
        print("\n".join(self.layout))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    Demo(*sys.argv[1:]).run()
