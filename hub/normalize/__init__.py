"""Pure normalization: no Flask, database or Redis imports below this package."""
from hub.normalize.address import normalize_province
from hub.normalize.attribution import normalize_attribution
from hub.normalize.email import normalize_email
from hub.normalize.extract import extract_emails, extract_phones
from hub.normalize.lead import normalize
from hub.normalize.name import fold, is_alias, normalize_name
from hub.normalize.phone import normalize_phone

__all__ = [
    "extract_emails",
    "extract_phones",
    "fold",
    "is_alias",
    "normalize",
    "normalize_attribution",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_province",
]
