"""No one but a Xero Manager of the company acts on its Xero link.

Every public method of the addon's models, found by introspection (so new
ones are covered), is called over RPC by a portal user, a plain employee
and a Xero Manager of another company, on records of the main company:
each must be refused and change nothing, neither in Odoo nor at Xero."""

import inspect
import json
import logging

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from . import every_record as er
from .common import CLIENT_ID, XeroCase

_logger = logging.getLogger(__name__)

REFUSED = {"odoo.exceptions.AccessError", "odoo.exceptions.UserError"}
# Each refusal is logged by the server; the test asserts them all instead.
QUIET = ("odoo.http", "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
_LEDGER = "opens the customer's Xero sales ledger, which employees may read"
_LINK = "a link to open the record in Xero (a URL), for someone who may read it"
# What a plain employee of the company may call, and why. Portal users and
# managers of another company are refused everything.
EMPLOYEE_MAY = {
    ("res.partner", "action_open_xero_contact"): "opens the partner's Xero contact, read-only "
                                                 "to employees",
    ("res.partner", "action_xero_ledger"): _LEDGER,
    ("res.partner", "action_xero_ledger_paid"): _LEDGER,
    ("res.partner", "action_xero_ledger_unpaid"): _LEDGER,
    ("res.partner", "action_xero_view_contact"): _LINK,
    ("xero.contact", "action_open_in_xero"): _LINK,
    ("xero.contact", "action_open_partner"): "opens the partner, which they may read",
    ("xero.ledger.invoice", "action_open_in_xero"): _LINK,
    ("xero.ledger.invoice", "action_toggle_pin"): "pins are personal: it pins the line for "
                                                  "them only",
}
# Base methods the addon extends through which settings are saved.
SETTINGS_PATH = [("res.config.settings", "set_values"), ("res.config.settings", "execute")]


def _arguments(model_class, name, records):
    """What call_kw needs: the ids (unless @api.model), then a value for
    each required parameter."""
    method = getattr(model_class, name)
    args = [] if getattr(method, "_api", None) == "model" else [records.ids]
    required = [p for p in list(inspect.signature(method).parameters.values())[1:]
                if p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return args + [1] * len(required)


@tagged("post_install", "-at_install")
class TestRecordAccess(XeroCase):
    """Records of every model of the addon in the main company, and the
    users who must not act on them."""

    @classmethod
    def sandbox_seed(cls):
        return er.seed()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.records = er.build(cls)
        cls.users = er.users(cls)

    def login(self, kind):
        user, password = self.users[kind]
        self.authenticate(user.login, password)
        return user

    def methods(self):
        found = [(model, name) for model in er.addon_models(self.env)
                 for name in er.public_methods(self.env, model)]
        return found + SETTINGS_PATH

    @mute_logger(*QUIET)
    def test_every_public_method_refuses_outsiders(self):
        methods = self.methods()
        self.assertIn(("xero.authorization", "action_revoke"), methods)
        missing = sorted({model for model, _name in methods if model not in self.records})
        self.assertFalse(missing, f"every_record.build has no record of {missing}")
        failures, calls, allowed = [], 0, 0
        for kind in self.users:
            self.login(kind)
            for model, name in methods:
                for records in self.records[model]:
                    may = kind == "employee" and (model, name) in EMPLOYEE_MAY
                    where = f"{kind} {model}.{name}({records.ids})"
                    failures += self.call_refused(model, name, records, may, where)
                    calls += 1
                    allowed += may
        _logger.info(
            "Access walk: %s public methods x %s users = %s calls on records of the company, "
            "%s refused, %s allowed to the employee (%s methods, each with its reason)",
            len(methods), len(self.users), calls, calls - allowed, allowed, len(EMPLOYEE_MAY))
        self.assertFalse(failures, "\n".join(failures))

    def call_refused(self, model, name, records, may, where):
        """Failures of one call that must be refused (or, ``may``, is
        allowed): none is a crash, none reaches Xero."""
        self.sandbox.clear_log()
        before = er.snapshot(self.env, self.records)
        result, error = er.call_kw(self, model, name, _arguments(type(self.env[model]), name,
                                                                 records))
        failures = []
        xero = self.sandbox.calls()
        if xero:
            failures.append(f"{where} called Xero: {[(c['method'], c['path']) for c in xero]}")
        if may:
            if error and error["name"] not in er.USER_FACING:
                failures.append(f"{where} crashed: {er.describe(error)}")
            return failures
        if not error:
            failures.append(f"{where} was not refused: it returned {result!r}"[:300])
        elif error["name"] not in REFUSED:
            failures.append(f"{where} failed instead of being refused: {er.describe(error)}")
        changes = er.changed(before, er.snapshot(self.env, self.records))
        if changes:
            failures.append(f"{where} changed {changes}")
        return failures

    def test_private_renamed_methods_are_not_callable(self):
        self.login("employee")
        for model, name in (("xero.contact", "_open_sync_screen"),
                            ("xero.contact", "_link_by_score"),
                            ("xero.connection", "_refresh_contacts")):
            _result, error = er.call_kw(self, model, name, [[]])
            self.assertEqual(error and error["name"], "odoo.exceptions.AccessError", name)

    def test_sync_screen_menu_is_for_managers(self):
        action = self.env.ref("xero_connector.action_server_xero_sync_screen")
        self.login("employee")
        _result, error = er.jsonrpc(self, "/web/action/run", {"action_id": action.id})
        self.assertEqual(error and error["name"], "odoo.exceptions.AccessError")

    def test_employee_reads_states_not_tokens(self):
        """An employee who sees a partner's Xero tab reads the state of the
        connection and the client link, never the tokens."""
        user = self.login("employee")
        conn = self.records["xero.connection"][0]
        result, error = er.call_kw(self, "xero.connection", "read", [conn.ids, ["state"]])
        self.assertIsNone(error, error and er.describe(error))
        self.assertEqual(result[0]["state"], "connected")
        link = self.records["xero.client.link"][0]
        result, error = er.call_kw(self, "xero.client.link", "read", [link.ids, ["state"]])
        self.assertIsNone(error, error and er.describe(error))
        self.assertEqual(result[0]["state"], "connected")
        # Everything the employee may read of the connection: no token in it.
        result, error = er.call_kw(self, "xero.connection", "read", [conn.ids])
        self.assertIsNone(error, error and er.describe(error))
        auth = conn.authorization_id.sudo()
        dump = json.dumps(result, default=str)
        for token in (auth.access_token, auth.refresh_token):
            self.assertTrue(token)
            self.assertNotIn(token, dump)
        _result, error = er.call_kw(self, "xero.authorization", "read", [auth.ids, ["name"]])
        self.assertEqual(error and error["name"], "odoo.exceptions.AccessError")
        # The partner form, as the web client opens it.
        for partner in self.records["res.partner"]:
            self.open_form(user, partner)

    def open_form(self, user, partner):
        context = {"lang": "en_US", "allowed_company_ids": [self.company.id]}
        views, error = er.call_kw(self, "res.partner", "get_views", [], context,
                                  views=[[False, "form"]], options={})
        self.assertIsNone(error, error and er.describe(error))
        spec = form_spec(views["views"]["form"]["arch"], "res.partner", views["models"])
        self.assertIn("xero_binding_id", spec)
        result, error = er.call_kw(self, "res.partner", "web_read", [partner.ids], context,
                                   specification=spec)
        self.assertIsNone(error, f"{user.login} opening {partner.name}: "
                                 f"{error and er.describe(error)}")
        self.assertEqual(result[0]["id"], partner.id)


def form_spec(arch, model, models):
    """The web_read specification the web client derives from a view."""
    return _spec(etree.fromstring(arch), model, models)


def _spec(node, model, models):
    fields = models[model]["fields"]
    spec = {}
    for field in _direct_fields(node):
        name = field.get("name")
        info = fields.get(name)
        if info is None:
            continue
        if info["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif info["type"] in ("one2many", "many2many"):
            sub = next((child for child in field if child.tag in ("list", "kanban", "form")),
                       None)
            spec[name] = {"fields": _spec(sub, info["relation"], models) if sub is not None
                          else {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def _direct_fields(node):
    for child in node:
        if child.tag == "field":
            yield child
        elif isinstance(child.tag, str):
            yield from _direct_fields(child)


@tagged("post_install", "-at_install")
class TestManagerWithoutEmail(XeroCase):
    """The chatter notes of Disconnect and Revoke need no sender address."""

    def setUp(self):
        super().setUp()
        self.sandbox.reset(self.sandbox_seed())
        self.conn = self.connect_practice()
        self.manager = new_test_user(
            self.env, "xero_no_email", groups=f"base.group_user,{er.MANAGER_GROUP}",
            email=False, password="xero-no-email-pass")
        self.assertFalse(self.manager.partner_id.email)
        self.authenticate("xero_no_email", "xero-no-email-pass")
        self.sandbox.clear_log()

    def button(self, records, method):
        context = {"lang": "en_US", "allowed_company_ids": [self.company.id]}
        result, error = er.call_kw(self, records._name, method, [records.ids], context,
                                   route="call_button")
        self.assertIsNone(error, error and er.describe(error))
        records.invalidate_recordset()
        return result

    def notes(self, record):
        """What the manager wrote in the record's chatter."""
        return " ".join(self.env["mail.message"].search([
            ("model", "=", record._name), ("res_id", "=", record.id),
            ("author_id", "=", self.manager.partner_id.id)]).mapped("body"))

    def test_disconnect_and_revoke(self):
        self.button(self.conn, "action_disconnect")
        self.assertEqual(self.conn.state, "disconnected")
        self.assertIn("Disconnected from Xero", self.notes(self.conn))
        self.button(self.conn, "action_revoke")
        self.assertEqual(self.conn.state, "revoked")
        self.assertTrue(self.sandbox.calls("/connect/revocation", "POST"))
        self.assertIn("Xero access revoked", self.notes(self.conn))

    def test_disconnect_a_client(self):
        client = self.env["res.partner"].create({"name": "Client A", "is_company": True})
        org = self.conn.authorization_id.organisation_ids - self.conn.organisation_id
        link = self.env["xero.client.link"]._link(client, org[:1])
        self.button(link, "action_disconnect")
        self.assertFalse(link.exists())
        self.assertIn("Unlinked", self.notes(client))


@tagged("post_install", "-at_install")
class TestSettingsAccess(XeroCase):
    def test_only_managers_change_xero_settings(self):
        # An administrator who is not a Xero Manager (the groups can be
        # configured that way).
        self.env.ref("base.group_system").implied_ids = [
            Command.unlink(self.env.ref(er.MANAGER_GROUP).id)]
        admin = new_test_user(self.env, "xero_sec_sysadmin", groups="base.group_system")
        self.assertFalse(admin.has_group(er.MANAGER_GROUP))
        Settings = self.env["res.config.settings"].with_user(admin)
        settings = Settings.create({"xero_client_id": "someone-elses-app"})
        with self.assertRaises(AccessError):
            settings.execute()
        with self.assertRaises(AccessError):
            settings.action_xero_connect()
        param = self.env["ir.config_parameter"].sudo().get_param
        self.assertEqual(param("xero_connector.client_id"), CLIENT_ID)
        Settings.create({}).execute()  # saving other settings still works
        self.assertEqual(param("xero_connector.client_id"), CLIENT_ID)
