"""Drive headless Chromium across Odoo and the sandbox's pages (Odoo's
tour runner cannot leave Odoo's origin; an OAuth login must)."""

import json
import time
from contextlib import contextmanager

from odoo.tests.common import ChromeBrowser


class Page:
    def __init__(self, case, browser):
        self.case = case
        self.browser = browser

    def eval(self, expression):
        result = self.browser._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=30,
        )
        if result.get("exceptionDetails"):
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def wait(self, condition, timeout=30, what=None):
        """Wait until the JavaScript ``condition`` is true on the page."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.eval(f"!!(function(){{ try {{ return {condition}; }} "
                             f"catch (e) {{ return false; }} }})()"):
                    return
            except Exception:  # noqa: BLE001 - the page is navigating
                pass
            time.sleep(0.2)
        self.browser.take_screenshot(prefix="xero_wait_failed_")
        url = self.eval("location.href")
        raise AssertionError(f"timed out waiting for {what or condition} on {url}:\n"
                             f"{self.text()[:1500]}")

    def click(self, selector):
        self.wait(f"document.querySelector({json.dumps(selector)})", what=selector)
        self.eval(f"document.querySelector({json.dumps(selector)}).click()")

    def fill(self, selector, value):
        self.wait(f"document.querySelector({json.dumps(selector)})", what=selector)
        self.eval(f"(function(el){{ el.value = {json.dumps(value)}; "
                  f"el.dispatchEvent(new Event('input', {{bubbles: true}})); "
                  f"el.dispatchEvent(new Event('change', {{bubbles: true}})); }})"
                  f"(document.querySelector({json.dumps(selector)}))")

    def click_text(self, container, text):
        """Click the innermost element under ``container`` showing ``text``."""
        finder = (f"((c) => c.find(e => !c.some(o => o !== e && e.contains(o))))("
                  f"[...document.querySelectorAll({json.dumps(container + ' *')})]"
                  f".filter(e => e.offsetParent !== null && e.innerText && "
                  f"e.innerText.trim().startsWith({json.dumps(text)})))")
        self.wait(finder, what=f"{text!r} in {container}")
        self.eval(f"{finder}.click()")

    def goto(self, path):
        self.browser.navigate_to(self.case.base_url() + path, wait_stop=True)

    def text(self):
        return self.eval("document.body ? document.body.innerText : ''") or ""


@contextmanager
def browser_page(case, login="admin"):
    """A logged-in headless Chromium page on the test server."""
    browser = ChromeBrowser(case, headless=True)
    case.http_request_key = case.canonical_tag + "_browser_js"
    try:
        case.authenticate(login, login, browser=browser)
        case.cr.flush()
        case.cr.clear()
        yield Page(case, browser)
    finally:
        browser.stop()
        case._wait_remaining_requests()
