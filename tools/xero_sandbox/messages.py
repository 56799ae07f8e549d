"""Validation messages.

The first group is Xero's own wording (its OpenAPI examples, or answers quoted
in SDK issues and integrators' help pages). The second group is guessed wording
in Xero's style for rules whose message we could not find; README.md lists them.
"""

# Xero's wording.
CONTACT_NAME_EMPTY = "Contact Name cannot be empty."
CONTACT_NAME_UNIQUE = (
    "The contact name {name} is already assigned to another contact. "
    "The contact name must be unique across all active contacts."
)
CONTACT_ARCHIVED = (
    "The contact with the specified contact details has been archived. "
    "The contact must be un-archived before creating new invoices or credit notes."
)
CONTACT_REQUIRED = "A Contact must be specified for this type of transaction"
CONTACT_IDENTIFY = (
    "The Contact must contain at least 1 of the following elements to identify "
    "the contact: Name, ContactID, ContactNumber"
)
EMAIL_INVALID = "Email address must be valid."
INVOICE_NUMBER_UNIQUE = "Invoice # must be unique."
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
TAX_TYPE_INVALID = (
    "The TaxType code {code} does not exist or cannot be used for this type of "
    "transaction."
)
TAX_TYPE_ACCOUNT = "The TaxType code '{code}' cannot be used with account code '{account}'."
ACCOUNT_CODE_INVALID = "Account code '{code}' is not a valid code for this document."
ACCOUNT_REQUIRED = "Account code must be specified"
LINE_TOTAL_MISMATCH = (
    "The line total {given} does not match the expected line total {expected}"
)
DISCOUNT_INVALID = (
    "The discount rate '{value}' is invalid. Discount must not be greater than the "
    "line total."
)
PAYMENT_NOT_AUTHORISED = "Payments can only be made against Authorised documents."
PAYMENT_EXCEEDS = "Payment amount exceeds the amount outstanding on this document"
PAYMENT_ACCOUNT_REQUIRED = (
    "You must specify an Account code or Account ID for the payment"
)
PAYMENT_ACCOUNT_TYPE = "Account type is invalid for making a payment to/from"
PAYMENT_ACCOUNT_ARCHIVED = "Account must be valid."
ITEM_CODE_UNIQUE = "Price List Item with Code '{code}' already exists"

# Guessed wording, in Xero's style.
CONTACT_NOT_FOUND = "The contact with ContactID {id} could not be found."
CONTACT_STATUS_INVALID = "ContactStatus '{value}' is not valid."
CONTACT_PERSONS_MAX = "A contact can have a maximum of {max} contact persons."
TOO_LONG = "{field} must not be more than {max} characters long."
INVALID_VALUE = "{field} '{value}' is not valid."
TEXT_EXPECTED = "{field} must be a text value."
LIST_EXPECTED = "{field} must be a list."
OBJECT_EXPECTED = "{field} must contain objects, not values."
RECORD_EXISTS = "A {entity} with {field} {id} already exists."
INVOICE_TYPE_INVALID = "Invoice Type must be ACCREC or ACCPAY."
CREDIT_NOTE_TYPE_INVALID = "Credit note Type must be ACCRECCREDIT or ACCPAYCREDIT."
CREDIT_NOTE_NUMBER_UNIQUE = "Credit Note # must be unique."
INVOICE_NOT_FOUND = "Invoice could not be found"
CREDIT_NOTE_NOT_FOUND = "Credit note could not be found"
LINE_AMOUNT_TYPES_INVALID = "LineAmountTypes '{value}' is not valid."
ACCOUNT_CODE_ARCHIVED = (
    "Account code '{code}' has been archived, or has been deleted. Each line item "
    "must reference a valid account"
)
ITEM_CODE_INVALID = "Item code '{code}' is not valid."
DISCOUNT_NOT_SUPPORTED = (
    "Discounts are only supported on sales invoices (ACCREC); bills and credit "
    "notes take no DiscountRate or DiscountAmount."
)
NUMBER_INVALID = "{field} must be a valid number."
DATE_INVALID = "{field} '{value}' is not a valid date."
TOTAL_NEGATIVE = "The document total cannot be negative."
CURRENCY_INVALID = "Currency code '{value}' is not valid."
CURRENCY_NOT_ENABLED = (
    "The currency code {code} is not a valid currency code for this organisation."
)
CURRENCY_RATE_INVALID = "CurrencyRate must be a number greater than zero."
BRANDING_THEME_INVALID = "The BrandingThemeID {id} is not valid for this organisation."

PAYMENT_AMOUNT_INVALID = "Payment amount must be greater than zero."
PAYMENT_ACCOUNT_INVALID = "Account could not be found"
PAYMENT_ACCOUNT_CURRENCY = (
    "The bank account must be in the base currency or in the currency of the document."
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
ALLOCATION_CURRENCY_MISMATCH = (
    "The credit note and the invoice must be in the same currency."
)
ALLOCATION_AMOUNT_INVALID = "Allocation amount must be greater than zero."

ITEM_CODE_REQUIRED = "The Code field is mandatory."
ITEM_NOT_FOUND = "Item could not be found"
ITEM_TRACKED = (
    "Tracked inventory items (InventoryAssetAccountCode, IsTrackedAsInventory) "
    "are not supported by this sandbox."
)
CURRENCY_UNKNOWN = "The currency code {code} is not a valid ISO 4217 currency code."

IDEMPOTENCY_KEY_TOO_LONG = "Idempotency-Key must not exceed 128 characters."
