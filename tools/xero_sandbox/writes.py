"""Write endpoints: batches with Xero's summarizeErrors semantics."""

from . import messages as msg
from . import render
from .currencies import CODES
from .dates import ms_date, parse_date
from .envelope import ZERO_GUID, lookup, not_found, validation_error
from .invoices import KINDS, save_document
from .items import save_item
from .payments import allocate_credit, create_payment, update_payment
from .rules import field_text, save_contact, text
from .settings import enable_currency
from .wire import BadJson, Response, json_response

_ECHO_DATES = (
    "Date",
    "DueDate",
    "ExpectedPaymentDate",
    "PlannedPaymentDate",
    "FullyPaidOnDate",
)


def _echo(element, id_field, errors, flag):
    """The submitted element, as Xero returns it next to its ValidationErrors."""
    out = (
        {k: v for k, v in element.items() if v is not None}
        if isinstance(element, dict)
        else {}
    )
    for field in ("HasAttachments", "HasValidationErrors", "HasErrors"):
        out.pop(field, None)
    for field in _ECHO_DATES:
        if field in out:
            day = parse_date(out[field])
            if day is None:
                out.pop(field)
            else:
                out[field] = ms_date(day)
    if id_field:
        out[id_field] = text(out.get(id_field)) or ZERO_GUID
    out[flag] = True
    out["StatusAttributeString"] = "ERROR"
    out["ValidationErrors"] = [{"Message": m} for m in errors]
    return out


def _elements(body, key):
    if isinstance(body, dict) and key in body:
        items = body[key]
        return items if isinstance(items, list) else [items]
    if isinstance(body, list):
        return body
    return [body] if body else []


def _batch(call, key, id_field, flag, apply_one, render_one):
    """Run ``apply_one`` per element and answer the way ``summarizeErrors`` asks."""
    try:
        body = call.req.json()
    except BadJson:
        return json_response(
            {
                "ErrorNumber": 14,
                "Type": "PostDataInvalidException",
                "Message": "Invalid Json data",
            },
            400,
        )
    summarize = call.req.flag("summarizeErrors", default=True)
    results = []
    for element in _elements(body, key):
        if not isinstance(element, dict):
            results.append(({}, None, [msg.OBJECT_EXPECTED.format(field=key)]))
            continue
        record, errors = apply_one(element)
        results.append((element, record, errors))
    failed = [r for r in results if r[2]]
    if summarize and failed:
        return validation_error(
            [_echo(e, id_field, errs, flag) for e, _, errs in failed]
        )
    items = []
    for element, record, errors in results:
        if errors:
            items.append(_echo(element, id_field, errors, flag))
            continue
        out = render_one(record)
        if not summarize:
            out["StatusAttributeString"] = "OK"
        items.append(out)
    return call.envelope(key, items)


def _contact_writer(call, mode, path_id=None):
    org = call.org

    def apply_one(element):
        given = text(element.get("ContactID")).strip().lower()
        if path_id is not None:
            return save_contact(org, element, call.ctx, org.contacts[path_id])
        if mode == "create":
            if given in org.contacts:
                return None, [
                    msg.RECORD_EXISTS.format(
                        entity="contact", field="ContactID", id=given
                    )
                ]
            return save_contact(org, element, call.ctx)
        if given:
            existing = org.contacts.get(given)
            if existing is None:
                return None, [msg.CONTACT_NOT_FOUND.format(id=given)]
            return save_contact(org, element, call.ctx, existing)
        existing = org.contact_by_number(element.get("ContactNumber"))
        return save_contact(org, element, call.ctx, existing)

    return _batch(
        call,
        "Contacts",
        "ContactID",
        "HasValidationErrors",
        apply_one,
        lambda c: render.contact_out(org, c, call.ctx.today),
    )


def put_contacts(call):
    return _contact_writer(call, "create")


def post_contacts(call):
    return _contact_writer(call, "upsert")


def post_contact(call):
    contact = lookup(call.org.contacts, call.match["id"], "ContactNumber")
    if contact is None:
        return not_found()
    return _contact_writer(call, "update", contact["ContactID"])


def _document_writer(call, kind, mode, path_doc=None):
    org = call.org
    spec = KINDS[kind]
    table = getattr(org, spec["table"])

    def apply_one(element):
        if path_doc is not None:
            return save_document(
                org, kind, element, call.ctx, table[path_doc[spec["id"]]]
            )
        given = text(element.get(spec["id"])).strip().lower()
        if mode == "create":
            if given in table:
                return None, [
                    msg.RECORD_EXISTS.format(
                        entity=kind.replace("_", " "), field=spec["id"], id=given
                    )
                ]
            return save_document(org, kind, element, call.ctx)
        if given:
            existing = table.get(given)
            if existing is None:
                missing = (
                    msg.INVOICE_NOT_FOUND
                    if kind == "invoice"
                    else msg.CREDIT_NOTE_NOT_FOUND
                )
                return None, [missing]
            return save_document(org, kind, element, call.ctx, existing)
        existing = _match_number(org, kind, element)
        return save_document(org, kind, element, call.ctx, existing)

    if kind == "invoice":
        key, flag = "Invoices", "HasErrors"

        def render_one(record):
            return render.invoice_out(org, record, "full", call.unitdp, call.ctx.today)
    else:
        key, flag = "CreditNotes", "HasErrors"

        def render_one(record):
            return render.credit_note_out(org, record, "full", call.unitdp)

    return _batch(call, key, spec["id"], flag, apply_one, render_one)


def _match_number(org, kind, element):
    spec = KINDS[kind]
    number = text(element.get(spec["number"])).strip().lower()
    if not number:
        return None
    doc_type = text(element.get("Type")).strip().upper()
    for record in getattr(org, spec["table"]).values():
        if (
            record[spec["number"]].lower() == number
            and record["Status"] != "DELETED"
            and (not doc_type or record["Type"] == doc_type)
        ):
            return record
    return None


def put_invoices(call):
    return _document_writer(call, "invoice", "create")


def post_invoices(call):
    return _document_writer(call, "invoice", "upsert")


def post_invoice(call):
    inv = lookup(call.org.invoices, call.match["id"], "InvoiceNumber")
    if inv is None:
        return not_found()
    return _document_writer(call, "invoice", "update", inv)


def put_credit_notes(call):
    return _document_writer(call, "credit_note", "create")


def post_credit_notes(call):
    return _document_writer(call, "credit_note", "upsert")


def post_credit_note(call):
    note = lookup(call.org.credit_notes, call.match["id"], "CreditNoteNumber")
    if note is None:
        return not_found()
    return _document_writer(call, "credit_note", "update", note)


def put_allocations(call):
    note = lookup(call.org.credit_notes, call.match["id"], "CreditNoteNumber")
    if note is None:
        return not_found()
    org = call.org
    return _batch(
        call,
        "Allocations",
        "AllocationID",
        "HasValidationErrors",
        lambda element: allocate_credit(org, note, element, call.ctx),
        lambda allocation: render.allocation_out(org, allocation),
    )


def write_payments(call):
    org = call.org
    return _batch(
        call,
        "Payments",
        "PaymentID",
        "HasValidationErrors",
        lambda element: create_payment(org, element, call.ctx),
        lambda payment: render.payment_out(org, payment),
    )


def post_payment(call):
    payment = lookup(call.org.payments, call.match["id"])
    if payment is None:
        return not_found()
    org = call.org
    return _batch(
        call,
        "Payments",
        "PaymentID",
        "HasValidationErrors",
        lambda element: update_payment(org, payment, element, call.ctx),
        lambda record: render.payment_out(org, record),
    )


def _item_writer(call, mode, path_item=None):
    org = call.org

    def apply_one(element):
        if path_item is not None:
            return save_item(org, element, call.ctx, path_item)
        given = text(element.get("ItemID")).strip().lower()
        if mode == "create":
            if given in org.items:
                return None, [
                    msg.RECORD_EXISTS.format(entity="item", field="ItemID", id=given)
                ]
            return save_item(org, element, call.ctx)
        if given:
            existing = org.items.get(given)
            if existing is None:
                return None, [msg.ITEM_NOT_FOUND]
            return save_item(org, element, call.ctx, existing)
        existing = org.item_by_code(element.get("Code"))
        return save_item(org, element, call.ctx, existing)

    return _batch(
        call,
        "Items",
        "ItemID",
        "HasValidationErrors",
        apply_one,
        lambda item: render.item_out(item, call.unitdp),
    )


def put_items(call):
    return _item_writer(call, "create")


def post_items(call):
    return _item_writer(call, "upsert")


def post_item(call):
    item = lookup(call.org.items, call.match["id"], "Code")
    if item is None:
        return not_found()
    return _item_writer(call, "update", item)


def delete_item(call):
    """``DELETE /Items/{ItemID}``: Xero answers 204 with no body; documents
    that used the item keep their lines (without the item)."""
    item = lookup(call.org.items, call.match["id"])
    if item is None:
        return not_found()
    del call.org.items[item["ItemID"]]
    return Response(204)


def put_currency(call):
    """Enable a currency in the organisation (Xero answers with the currency)."""
    org = call.org

    def apply_one(element):
        errors = []
        code = field_text(element, "Code", errors).upper()
        if errors:
            return None, errors
        if code not in CODES:
            return None, [msg.CURRENCY_UNKNOWN.format(code=code)]
        return enable_currency(org, {"Code": code}), []

    return _batch(
        call, "Currencies", None, "HasValidationErrors", apply_one, render.currency_out
    )
