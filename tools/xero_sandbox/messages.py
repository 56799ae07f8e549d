"""Validation messages. Wording is Xero's where it is known (see README)."""

CONTACT_NAME_EMPTY = "Contact Name cannot be empty."
CONTACT_NAME_UNIQUE = (
    "The contact name {name} is already assigned to another contact. "
    "The contact name must be unique across all active contacts."
)
CONTACT_ARCHIVED = (
    "The contact with the specified contact details has been archived. "
    "The contact must be un-archived before creating new invoices or credit notes."
)
CONTACT_NOT_FOUND = "The contact with ContactID {id} could not be found."
CONTACT_STATUS_INVALID = "ContactStatus '{value}' is not valid."
CONTACT_REQUIRED = "A Contact must be specified for this type of transaction"
EMAIL_INVALID = "Email address must be valid."
TOO_LONG = "{field} must not be more than {max} characters long."
INVALID_VALUE = "{field} '{value}' is not valid."
RECORD_EXISTS = "A {entity} with {field} {id} already exists."

INVOICE_TYPE_INVALID = "Invoice Type must be ACCREC or ACCPAY."
CREDIT_NOTE_TYPE_INVALID = "Credit note Type must be ACCRECCREDIT or ACCPAYCREDIT."
INVOICE_NUMBER_UNIQUE = "Invoice # must be unique."
CREDIT_NOTE_NUMBER_UNIQUE = "Credit Note # must be unique."
INVOICE_NOT_FOUND = "Invoice could not be found"
CREDIT_NOTE_NOT_FOUND = "Credit note could not be found"
STATUS_FOR_CREATION = "Invoice not of valid status for creation"
STATUS_FOR_MODIFICATION = "Invoice not of valid status for modification"
HAS_PAYMENTS = (
    "This document cannot be edited as it has a payment or credit note allocated to it."
)
DATE_HAS_PAYMENTS = (
    "Date cannot be changed on an invoice that has payment or credit notes "
    "allocated to it."
)
LINE_ITEMS_REQUIRED = "One or more line items must be specified"
LINE_AMOUNT_TYPES_INVALID = "LineAmountTypes '{value}' is not valid."
TAX_TYPE_INVALID = (
    "The TaxType code '{code}' does not exist or cannot be used for this type of "
    "transaction."
)
ACCOUNT_CODE_INVALID = "Account code '{code}' is not a valid code for this document."
ACCOUNT_CODE_ARCHIVED = (
    "Account code '{code}' has been archived, or has been deleted. Each line item "
    "must reference a valid account"
)
NUMBER_INVALID = "{field} must be a valid number."
DATE_INVALID = "{field} '{value}' is not a valid date."
TOTAL_NEGATIVE = "The document total cannot be negative."
CURRENCY_INVALID = "Currency code '{value}' is not valid."

PAYMENT_NOT_AUTHORISED = "Payments can only be made against Authorised documents."
PAYMENT_EXCEEDS = "Payment amount exceeds the amount outstanding on this document"
PAYMENT_AMOUNT_INVALID = "Payment amount must be greater than zero."
PAYMENT_ACCOUNT_REQUIRED = "You must specify either an Account Code or AccountID."
PAYMENT_ACCOUNT_INVALID = "Account could not be found"
PAYMENT_ACCOUNT_NOT_BANK = (
    "Payments can only be made to bank accounts or accounts with payments enabled."
)
PAYMENT_DOCUMENT_REQUIRED = "An Invoice must be specified for the payment."
PAYMENT_ALREADY_DELETED = "This payment has already been deleted."
PAYMENT_ONLY_DELETE = "Only the Status of a payment can be changed, to DELETED."

ALLOCATION_NOT_AUTHORISED = "Allocations can only be made against Authorised documents."
ALLOCATION_EXCEEDS_CREDIT = "The amount allocated exceeds the remaining credit."
ALLOCATION_EXCEEDS_DUE = (
    "Allocation amount exceeds the amount outstanding on this document"
)
ALLOCATION_TYPE_MISMATCH = "The credit note and the invoice must be of the same type."
ALLOCATION_CONTACT_MISMATCH = (
    "The credit note and the invoice must be for the same contact."
)
ALLOCATION_AMOUNT_INVALID = "Allocation amount must be greater than zero."

IDEMPOTENCY_KEY_TOO_LONG = "Idempotency-Key must not exceed 128 characters."
