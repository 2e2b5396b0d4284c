"""Email domain data: provider aliases, obvious typos, sub-addressing rules, throwaway domains."""
from __future__ import annotations

# Different spellings of one mailbox's domain.
ALIASES: dict[str, str] = {
    "googlemail.com": "gmail.com",
}

# Misspellings of the big providers' names seen in Vietnamese sign-up forms.
_NAME_TYPOS: dict[str, tuple[str, ...]] = {
    "gmail": (
        "gmial", "gmai", "gmal", "gamil", "gnail", "gmaill", "gmil", "gmali", "gmeil", "gmmail",
        "ggmail", "gamail", "gimail", "gmaii", "gmaul", "gmaol", "gmsil", "gmaik", "gmqil",
    ),
    "yahoo": (
        "yahooo", "yaho", "yhoo", "yahho", "yaoo", "yhaoo", "yahoooo", "yaahoo", "yahou", "tahoo",
    ),
    "hotmail": (
        "hotmial", "hotmai", "hotmal", "hotmil", "hotmaill", "hotnail", "hotamil", "hotmali",
        "homail", "hotmeil", "hormail",
    ),
    "outlook": ("outlok", "outloo", "outlookk", "oulook", "outllok", "otlook", "outlock"),
    "icloud": ("iclould", "icoud", "iclod", "icloude", "iclud", "icould"),
}  # fmt: skip
# Misspellings of ".com". The providers above have no mailboxes at these endings.
_COM_TYPOS = (
    "con", "co", "cm", "om", "comm", "cpm", "vom", "xom", "coom", "cim", "ocm", "cok", "c0m",
    "comn", "clm",
)  # fmt: skip
# Vietnamese users add the country ending to Gmail; Google runs no gmail.com.vn mailboxes.
# Yahoo Vietnam's yahoo.com.vn mailboxes are run as Yahoo accounts now, and leads write either
# ending for the same person: issue #3 counts "yahoo.com.vn vs yahoo.com" among the domain
# slips to match as one and flag.
_EXTRA_TYPOS = {"gmail.com.vn": "gmail.com", "gmail.vn": "gmail.com", "yahoo.com.vn": "yahoo.com"}


def _typo_table() -> dict[str, str]:
    table = dict(_EXTRA_TYPOS)
    for name, typos in _NAME_TYPOS.items():
        for spelled in (name, *typos):
            for ending in ("com", *_COM_TYPOS):
                table[f"{spelled}.{ending}"] = f"{name}.com"
        del table[f"{name}.com"]
    return table


TYPOS: dict[str, str] = _typo_table()

# Providers that ignore "+tag" in the local part (RFC 5233 sub-addressing).
SUBADDRESSED = frozenset(
    {
        "gmail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "icloud.com", "me.com",
        "mac.com", "protonmail.com", "proton.me", "fastmail.com",
    }
)  # fmt: skip
# Providers that ignore dots in the local part.
DOTLESS = frozenset({"gmail.com"})

# Throwaway-inbox services; subdomains of these count too ("x.mailinator.com").
DISPOSABLE = frozenset(
    {
        "mailinator.com", "mailinator.net", "mailinator2.com", "10minutemail.com",
        "10minutemail.net", "10minutemail.co.uk", "20minutemail.com", "guerrillamail.com",
        "guerrillamail.net", "guerrillamail.org", "guerrillamail.biz", "guerrillamail.de",
        "guerrillamail.info", "guerrillamailblock.com", "sharklasers.com", "grr.la", "pokemail.net",
        "spam4.me", "yopmail.com", "yopmail.fr", "yopmail.net", "temp-mail.org", "temp-mail.io",
        "tempmail.com", "tempmail.net", "tempmailo.com", "tempmail.dev", "tempr.email",
        "tmpmail.org", "tmpmail.net", "throwawaymail.com", "trashmail.com", "trashmail.de",
        "maildrop.cc", "getnada.com", "nada.email", "dispostable.com", "mohmal.com",
        "emailondeck.com", "fakeinbox.com", "mintemail.com", "mailnesia.com", "discard.email",
        "mailcatch.com", "spamgourmet.com", "moakt.com", "mytemp.email", "burnermail.io",
        "getairmail.com", "dropmail.me", "emailfake.com", "fakemail.net", "inboxkitten.com",
        "mail.tm", "mailpoof.com", "spambox.us", "trashmail.ws", "harakirimail.com",
        "mailforspam.com", "minuteinbox.com", "tempinbox.com", "tempail.com",
    }
)  # fmt: skip


def is_disposable(domain: str) -> bool:
    """True when `domain` (lower case) or a parent domain of it is a throwaway-inbox service."""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in DISPOSABLE for i in range(len(labels) - 1))
