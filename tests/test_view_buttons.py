"""Every ``type="object"`` button of the addon's views (its own and those it
adds to Odoo's), called the way the web client calls it, by a Xero Manager
of the company on realistic records: a result or a message for the user,
never a crash. New buttons are covered without anyone listing them."""

import logging

from lxml import etree

from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from . import every_record as er
from .common import XeroCase

_logger = logging.getLogger(__name__)

# Buttons that end the Xero access the others need: called last.
LAST = {("xero.connection", "action_revoke")}


def view_buttons(env):
    """[(view xml id, model, button name, attributes, header?)] of every
    object button in the addon's views."""
    data = env["ir.model.data"].search([("module", "=", "xero_connector"),
                                        ("model", "=", "ir.ui.view")])
    found = []
    for view in env["ir.ui.view"].browse(data.mapped("res_id")):
        arch = etree.fromstring(view.arch)
        for button in arch.iter("button"):
            if button.get("type") != "object":
                continue
            model = _button_model(env, view.model, button)
            header = button.getparent().tag == "header" and _in_list(button)
            found.append((view.xml_id, model, button.get("name"), dict(button.attrib), header))
    return found


def _button_model(env, model, button):
    """The model a button acts on: the view's, or the one of the x2many
    field whose sub-view holds it (``<field>`` elements placed by
    inheritance are locators, not containers)."""
    containers = [node for node in button.iterancestors()
                  if node.tag == "field" and node.get("position") is None]
    for field in reversed(containers):
        model = env[model]._fields[field.get("name")].comodel_name
    return model


def _in_list(button):
    return any(node.tag == "list" for node in button.iterancestors())


@tagged("post_install", "-at_install")
class TestViewButtons(XeroCase):
    @classmethod
    def sandbox_seed(cls):
        return er.seed()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.records = er.build(cls)
        # An accountant who manages Xero (and, for the settings, Odoo).
        cls.manager = new_test_user(
            cls.env, "xero_buttons_manager", password="xero-buttons-pass",
            groups=f"base.group_user,base.group_partner_manager,account.group_account_invoice,"
                   f"base.group_system,{er.MANAGER_GROUP}")

    def test_every_button_is_a_public_method(self):
        buttons = view_buttons(self.env)
        self.assertTrue(buttons)
        for view, model, name, _attrs, _header in buttons:
            with self.subTest(view=view, button=name):
                get_public_method(self.env[model], name)

    @mute_logger("odoo.http")  # user errors are expected answers; crashes are asserted
    def test_every_button_answers_the_web_client(self):
        buttons = sorted(view_buttons(self.env), key=lambda b: (b[1], b[2]) in LAST)
        self.authenticate(self.manager.login, "xero-buttons-pass")
        failures, calls = [], 0
        for view, model, name, attrs, header in buttons:
            candidates = self.records.get(model)
            self.assertTrue(candidates, f"every_record.build has no {model} record ({view})")
            ids = sorted({i for records in candidates for i in records.ids})
            if header:
                selections = [[], ids] if attrs.get("display") == "always" else [ids]
            else:
                selections = [[i] for i in ids]
            for selected in selections:
                context = self.context(attrs, model, selected, header)
                result, error = self.click(model, name, selected, context)
                calls += 1
                problem = self.problem(result, error)
                if problem:
                    failures.append(f"{view}: {model}.{name}({selected}) {problem}")
        _logger.info("View buttons: %s buttons, %s calls as the web client makes them",
                     len(buttons), calls)
        self.assertFalse(failures, "\n".join(failures))

    @staticmethod
    def problem(result, error):
        """What is wrong with an answer, if anything: the web client wants an
        action (or nothing) or a message it can show the user."""
        if error is None:
            if result is False or isinstance(result, dict) and result.get("type"):
                return None
            return f"answered {result!r}, not an action"
        if error["name"] not in er.USER_FACING:
            return f"crashed: {er.describe(error)}"
        if not (error.get("message") or "").strip():
            return f"raised {error['name']} without a message for the user"
        return None

    def context(self, attrs, model, selected, header):
        """The context the web client sends: the user's, the button's, and
        for a list header the selection."""
        context = {"lang": "en_US", "tz": "UTC", "uid": self.manager.id,
                   "allowed_company_ids": [self.company.id]}
        if attrs.get("context"):
            context.update(safe_eval(attrs["context"], {"context": context}))
        if header:
            context.update(active_ids=selected, active_model=model, active_domain=[])
        return context

    def click(self, model, name, selected, context):
        """One click, undone afterwards (in Odoo; Xero keeps what it got):
        (result, error)."""
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT xero_button")
        try:
            return er.call_kw(self, model, name, [selected], context, route="call_button")
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT xero_button")
            self.env.cr.execute("RELEASE SAVEPOINT xero_button")
            self.env.invalidate_all()
            self.registry.clear_cache()
