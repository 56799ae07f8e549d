"""``where`` and ``order`` expressions, the way Xero's (Dynamic LINQ) API reads them.

Supported: ``Field == "x"``, ``!=``, ``=``, ``<``, ``<=``, ``>``, ``>=``; values
``"text"``, ``GUID("…")``, ``DateTime(y,m,d[,h,m,s])``, numbers, ``true``/``false``/
``null``; ``Field.Contains("x")``/``StartsWith``/``EndsWith``; ``.ToLower()``/
``.ToUpper()``; ``AND``/``&&``, ``OR``/``||``, ``NOT``/``!`` and parentheses.
String comparisons are case-insensitive.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from .dates import UTC


class QueryError(ValueError):
    pass


def _ref(path):
    def get(org, record):
        return record.get(path)

    return get


def _contact(attr):
    def get(org, record):
        contact = org.contacts.get(record.get("_contact"))
        return contact.get(attr) if contact else None

    return get


def _payment_invoice(attr):
    def get(org, record):
        inv = org.invoices.get(record["_invoice"])
        return inv.get(attr) if inv else None

    return get


def _payment_contact(org, record):
    inv = org.invoices.get(record["_invoice"])
    return inv["_contact"] if inv else None


def _account(attr):
    def get(org, record):
        account = org.accounts.get(record["_account"])
        return account.get(attr) if account else None

    return get


def _detail(part, attr):
    def get(org, record):
        return (record.get(part) or {}).get(attr)

    return get


_COMMON_DOC = {
    "type": _ref("Type"),
    "status": _ref("Status"),
    "reference": _ref("Reference"),
    "date": _ref("Date"),
    "duedate": _ref("DueDate"),
    "total": _ref("Total"),
    "subtotal": _ref("SubTotal"),
    "totaltax": _ref("TotalTax"),
    "currencycode": _ref("CurrencyCode"),
    "senttocontact": _ref("SentToContact"),
    "updateddateutc": _ref("_updated"),
    "fullypaidondate": _ref("FullyPaidOnDate"),
    "lineamounttypes": _ref("LineAmountTypes"),
    "contact.contactid": _ref("_contact"),
    "contactid": _ref("_contact"),
    "contact.name": _contact("Name"),
    "contact.contactnumber": _contact("ContactNumber"),
}

FIELDS = {
    "Contact": {
        "contactid": _ref("ContactID"),
        "name": _ref("Name"),
        "emailaddress": _ref("EmailAddress"),
        "contactnumber": _ref("ContactNumber"),
        "accountnumber": _ref("AccountNumber"),
        "contactstatus": _ref("ContactStatus"),
        "firstname": _ref("FirstName"),
        "lastname": _ref("LastName"),
        "companynumber": _ref("CompanyNumber"),
        "taxnumber": _ref("TaxNumber"),
        "iscustomer": _ref("_is_customer"),
        "issupplier": _ref("_is_supplier"),
        "defaultcurrency": _ref("DefaultCurrency"),
        "updateddateutc": _ref("_updated"),
    },
    "Invoice": {
        **_COMMON_DOC,
        "invoiceid": _ref("InvoiceID"),
        "invoicenumber": _ref("InvoiceNumber"),
        "amountdue": _ref("AmountDue"),
        "amountpaid": _ref("AmountPaid"),
        "amountcredited": _ref("AmountCredited"),
        "expectedpaymentdate": _ref("ExpectedPaymentDate"),
    },
    "CreditNote": {
        **_COMMON_DOC,
        "creditnoteid": _ref("CreditNoteID"),
        "creditnotenumber": _ref("CreditNoteNumber"),
        "remainingcredit": _ref("RemainingCredit"),
    },
    "Payment": {
        "paymentid": _ref("PaymentID"),
        "status": _ref("Status"),
        "date": _ref("Date"),
        "amount": _ref("Amount"),
        "reference": _ref("Reference"),
        "paymenttype": _ref("PaymentType"),
        "isreconciled": _ref("IsReconciled"),
        "updateddateutc": _ref("_updated"),
        "invoice.invoiceid": _ref("_invoice"),
        "invoice.invoicenumber": _payment_invoice("InvoiceNumber"),
        "invoice.type": _payment_invoice("Type"),
        "invoice.contact.contactid": _payment_contact,
        "account.code": _account("Code"),
        "account.accountid": _ref("_account"),
    },
    "User": {
        "userid": _ref("UserID"),
        "emailaddress": _ref("EmailAddress"),
        "firstname": _ref("FirstName"),
        "lastname": _ref("LastName"),
        "organisationrole": _ref("OrganisationRole"),
        "issubscriber": _ref("IsSubscriber"),
        "updateddateutc": _ref("_updated"),
    },
    "Account": {
        "accountid": _ref("AccountID"),
        "code": _ref("Code"),
        "name": _ref("Name"),
        "status": _ref("Status"),
        "type": _ref("Type"),
        "class": _ref("Class"),
        "taxtype": _ref("TaxType"),
        "bankaccountnumber": _ref("BankAccountNumber"),
        "enablepaymentstoaccount": _ref("EnablePaymentsToAccount"),
        "bankaccounttype": _ref("BankAccountType"),
        "currencycode": _ref("CurrencyCode"),
        "description": _ref("Description"),
        "systemaccount": _ref("SystemAccount"),
        "reportingcode": _ref("ReportingCode"),
        "showinexpenseclaims": _ref("ShowInExpenseClaims"),
        "updateddateutc": _ref("_updated"),
    },
    "TaxRate": {
        "taxtype": _ref("TaxType"),
        "name": _ref("Name"),
        "status": _ref("Status"),
        "reporttaxtype": _ref("ReportTaxType"),
        "effectiverate": _ref("EffectiveRate"),
        "displaytaxrate": _ref("DisplayTaxRate"),
        "canapplytoassets": _ref("CanApplyToAssets"),
        "canapplytoequity": _ref("CanApplyToEquity"),
        "canapplytoexpenses": _ref("CanApplyToExpenses"),
        "canapplytoliabilities": _ref("CanApplyToLiabilities"),
        "canapplytorevenue": _ref("CanApplyToRevenue"),
    },
    "Currency": {
        "code": _ref("Code"),
        "description": _ref("Description"),
    },
    "Item": {
        "itemid": _ref("ItemID"),
        "code": _ref("Code"),
        "name": _ref("Name"),
        "description": _ref("Description"),
        "purchasedescription": _ref("PurchaseDescription"),
        "issold": _ref("IsSold"),
        "ispurchased": _ref("IsPurchased"),
        "istrackedasinventory": _ref("IsTrackedAsInventory"),
        "salesdetails.unitprice": _detail("SalesDetails", "UnitPrice"),
        "salesdetails.accountcode": _detail("SalesDetails", "AccountCode"),
        "salesdetails.taxtype": _detail("SalesDetails", "TaxType"),
        "purchasedetails.unitprice": _detail("PurchaseDetails", "UnitPrice"),
        "purchasedetails.accountcode": _detail("PurchaseDetails", "AccountCode"),
        "purchasedetails.taxtype": _detail("PurchaseDetails", "TaxType"),
        "updateddateutc": _ref("_updated"),
    },
}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*")
      | (?P<num>-?\d+(?:\.\d+)?)
      | (?P<op>==|!=|>=|<=|&&|\|\||[=<>!(),])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
_METHODS = {"contains", "startswith", "endswith"}
_CASE = {"tolower", "toupper"}


def _tokens(text):
    pos, out = 0, []
    text = text.replace("&quot;", '"')
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise QueryError(f"Syntax error at position {pos}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text, entity):
        self.toks = _tokens(text)
        self.i = 0
        self.entity = entity
        self.fields = FIELDS[entity]

    def peek(self, offset=0):
        idx = self.i + offset
        return self.toks[idx] if idx < len(self.toks) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1].upper() != value.upper()):
            raise QueryError(
                f"Expected '{value}'" if value else "Unexpected end of query"
            )
        self.i += 1
        return tok

    def keyword(self, *words):
        kind, value = self.peek()
        return kind in ("op", "name") and value is not None and value.upper() in words

    def parse(self):
        node = self.or_expr()
        if self.peek()[0] is not None:
            raise QueryError(f"Syntax error near '{self.peek()[1]}'")
        return node

    def or_expr(self):
        node = self.and_expr()
        while self.keyword("OR", "||"):
            self.take()
            left, right = node, self.and_expr()
            node = (lambda a, b: lambda o, r: a(o, r) or b(o, r))(left, right)
        return node

    def and_expr(self):
        node = self.unary()
        while self.keyword("AND", "&&"):
            self.take()
            left, right = node, self.unary()
            node = (lambda a, b: lambda o, r: a(o, r) and b(o, r))(left, right)
        return node

    def unary(self):
        if self.keyword("NOT", "!"):
            self.take()
            inner = self.unary()
            return lambda o, r: not inner(o, r)
        if self.keyword("("):
            self.take("(")
            node = self.or_expr()
            self.take(")")
            return node
        return self.comparison()

    def field(self):
        kind, name = self.take()
        if kind != "name":
            raise QueryError(f"Syntax error near '{name}'")
        parts = name.split(".")
        method = None
        while parts and parts[-1].lower() in _CASE | _METHODS:
            last = parts.pop().lower()
            if last in _METHODS:
                method = last
            if self.keyword("("):
                self.take("(")
                if last in _CASE:
                    self.take(")")
                else:
                    break
        path = ".".join(parts).lower()
        getter = self.fields.get(path)
        if getter is None:
            raise QueryError(
                f"No property or field '{'.'.join(parts)}' exists in type "
                f"'{self.entity}'"
            )
        return getter, method

    def value(self):
        kind, raw = self.take()
        if kind == "str":
            return raw
        if kind == "num":
            return Decimal(raw)
        if kind == "name":
            word = raw.lower()
            if word in ("true", "false"):
                return word == "true"
            if word == "null":
                return None
            if word in ("guid", "datetime"):
                self.take("(")
                args = []
                while not self.keyword(")"):
                    args.append(self.take()[1])
                    if self.keyword(","):
                        self.take(",")
                self.take(")")
                if word == "guid":
                    return args[0].lower() if args else ""
                try:
                    return datetime(*[int(a) for a in args], tzinfo=UTC)
                except (TypeError, ValueError) as exc:
                    raise QueryError("Invalid DateTime literal") from exc
        raise QueryError(f"Syntax error near '{raw}'")

    def comparison(self):
        getter, method = self.field()
        if method:
            arg = self.value()
            self.take(")")
            needle = str(arg).lower()
            test = {
                "contains": str.__contains__,
                "startswith": str.startswith,
                "endswith": str.endswith,
            }[method]
            return lambda o, r: test(str(getter(o, r) or "").lower(), needle)
        kind, op = self.peek()
        if kind != "op" or op not in ("==", "=", "!=", ">", ">=", "<", "<="):
            # A bare boolean field, e.g. "IsCustomer".
            return lambda o, r: bool(getter(o, r))
        self.take()
        literal = self.value()
        return _compare(getter, op, literal)


def _norm(value, literal):
    if isinstance(value, str):
        return value.lower()
    if (
        isinstance(literal, datetime)
        and isinstance(value, date)
        and not isinstance(value, datetime)
    ):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


def _compare(getter, op, literal):
    lit = literal.lower() if isinstance(literal, str) else literal

    def test(org, record):
        value = _norm(getter(org, record), literal)
        if op in ("==", "="):
            return value == lit or (lit == "" and value is None)
        if op == "!=":
            return value != lit
        if value is None or lit is None:
            return False
        if isinstance(lit, Decimal) and not isinstance(value, Decimal):
            return False
        try:
            return {
                ">": value > lit,
                ">=": value >= lit,
                "<": value < lit,
                "<=": value <= lit,
            }[op]
        except TypeError:
            return False

    return test


def compile_where(text, entity):
    if not text or not text.strip():
        return None
    return _Parser(text, entity).parse()


def compile_order(text, entity):
    """``"Name ASC, Date DESC"`` -> list of (getter, descending)."""
    keys = []
    for part in (text or "").split(","):
        words = part.split()
        if not words:
            continue
        desc = len(words) > 1 and words[1].upper() == "DESC"
        if len(words) > 2 or (
            len(words) == 2 and words[1].upper() not in ("ASC", "DESC")
        ):
            raise QueryError(f"Invalid order clause '{part.strip()}'")
        getter = FIELDS[entity].get(words[0].lower())
        if getter is None:
            raise QueryError(
                f"No property or field '{words[0]}' exists in type '{entity}'"
            )
        keys.append((getter, desc))
    return keys


def apply_order(org, records, keys):
    for getter, desc in reversed(keys):
        records.sort(key=lambda r, g=getter: _sort_key(g(org, r)), reverse=desc)
    return records


def _sort_key(value):
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (1, value.lower())
    if isinstance(value, datetime):
        return (1, value.timestamp())
    if isinstance(value, date):
        return (1, value.toordinal())
    return (1, value)
