"""Customer lists: read a file once, normalise and SHA-256 every value, batch it for `/users`.

Rules (docs/facts-audiences.md §3): emails are trimmed and lower-cased; phone numbers become
digits only with the country code and no leading `+` or zeros; first/last names and cities
lower-case letters only; ZIP lower-case without spaces (US: the first 5 digits); country the
ISO-3166 alpha-2 code lower-cased; gender `m`/`f`. Each normalised value is hashed
(SHA-256, lower-case hex); an empty value stays `""`.

Phones, by hand (the `phonenumbers` library is not installed): a number written with `+` or
`00` is international as written (an optional trunk zero written `(0)` is dropped).
Otherwise leading zeros (a trunk prefix) are dropped and, when the plan gives
`phone_country`, its calling code is prefixed — unless the number already starts with that
code and has more than 10 digits (`16505551234` with US stays as is). A result outside 8–15
digits (E.164's range) is invalid. Numbers written without `+`/`00` when the plan gives no
`phone_country` are kept as written (they may already hold the code) and counted in
`phones_without_country_code`, so the launch can say they may not match.

The raw values live only in this module's locals while the file is read: `read_customer_list`
returns hashed rows and counts. A row with neither a valid email nor a valid phone is dropped
and counted (never shown). Nothing here logs, and every error names the file and the fix,
never a value. `CustomerList` keeps its rows out of `repr`, and `summary()` is what may be
stored (counts and the file's sha256).

`batches(...)` yields `POST /<ca_id>/users` params of at most 10,000 rows, tied together by a
`session` (`session_id`, 1-based `batch_seq`, `last_batch_flag`, `estimated_num_total`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BATCH = 10_000
MAX_FILE_BYTES = 200 * 1024 * 1024

# Header spellings → Meta's multi-key schema names.
ALIASES = {
    "EMAIL": ("email", "e-mail", "emailaddress", "mail", "emails", "email1"),
    "PHONE": ("phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "telephone",
              "tel", "cell", "cellphone", "phone1"),
    "FN": ("firstname", "fn", "givenname", "first", "forename"),
    "LN": ("lastname", "ln", "surname", "familyname", "last"),
    "ZIP": ("zip", "zipcode", "postalcode", "postcode", "postal"),
    "CT": ("city", "town", "ct"),
    "ST": ("state", "province", "region", "st"),
    "COUNTRY": ("country", "countrycode", "iso2"),
    "GEN": ("gender", "sex", "gen"),
}
SCHEMA_ORDER = ("EMAIL", "PHONE", "FN", "LN", "ZIP", "CT", "ST", "COUNTRY", "GEN")

# ISO-3166 alpha-2 → international calling code (the markets adpilot is used in; extend here).
CALLING_CODES = {
    "US": "1", "CA": "1", "GB": "44", "UK": "44", "IE": "353", "FR": "33", "DE": "49",
    "ES": "34", "IT": "39", "PT": "351", "NL": "31", "BE": "32", "LU": "352", "CH": "41",
    "AT": "43", "DK": "45", "SE": "46", "NO": "47", "FI": "358", "IS": "354", "PL": "48",
    "CZ": "420", "SK": "421", "HU": "36", "RO": "40", "BG": "359", "GR": "30", "HR": "385",
    "SI": "386", "EE": "372", "LV": "371", "LT": "370", "CY": "357", "MT": "356", "TR": "90",
    "UA": "380", "IL": "972", "AE": "971", "SA": "966", "QA": "974", "EG": "20", "ZA": "27",
    "NG": "234", "KE": "254", "MA": "212", "IN": "91", "PK": "92", "BD": "880", "LK": "94",
    "CN": "86", "HK": "852", "TW": "886", "JP": "81", "KR": "82", "SG": "65", "MY": "60",
    "TH": "66", "VN": "84", "PH": "63", "ID": "62", "AU": "61", "NZ": "64", "MX": "52",
    "BR": "55", "AR": "54", "CL": "56", "CO": "57", "PE": "51", "UY": "598", "VE": "58",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


class CustomerListError(ValueError):
    """The customer list cannot be used; the message names the file and the fix (no values)."""


def _header_key(text: str) -> str | None:
    flat = re.sub(r"[^a-z0-9]", "", text.strip().lower())
    return next((k for k, names in ALIASES.items() if flat in names), None)


def calling_code(country: str | None) -> str | None:
    """Return the calling code for an ISO country (`"GB"` → `"44"`) or digits given as such."""
    if not country:
        return None
    text = country.strip().upper().lstrip("+")
    if text.isdigit():
        return text.lstrip("0") or None
    return CALLING_CODES.get(text)


def normalise_email(value: str) -> str | None:
    """Trim and lower-case an email; None when it is not an address."""
    email = value.strip().lower()
    return email if _EMAIL.match(email) else None


def normalise_phone(value: str, default_code: str | None = None) -> str | None:
    """Digits with the country code, no `+` and no leading zeros (module docstring); or None."""
    text = value.strip().replace("(0)", "")  # "+44 (0)20 ...": the optional trunk zero
    digits = re.sub(r"[^0-9]", "", text)
    if not digits:
        return None
    if text.startswith("+"):
        number = digits.lstrip("0")
    elif digits.startswith("00"):
        number = digits[2:].lstrip("0")
    else:
        number = digits.lstrip("0")
        if default_code and not (number.startswith(default_code) and len(number) > 10):
            number = default_code + number
    return number if 8 <= len(number) <= 15 else None


def _letters(value: str) -> str:
    return re.sub(r"[^\w]|[\d_]", "", value.strip().lower())


def _normalise(key: str, value: str, default_code: str | None) -> str:
    value = value or ""
    if key == "EMAIL":
        return normalise_email(value) or ""
    if key == "PHONE":
        return normalise_phone(value, default_code) or ""
    if key in ("FN", "LN", "CT"):
        return _letters(value)
    if key == "ST":
        return _letters(value)
    if key == "ZIP":
        zip_ = re.sub(r"\s", "", value.strip().lower())
        return zip_.split("-")[0][:5] if re.fullmatch(r"\d{5}(-\d{4})?", zip_) else zip_
    if key == "COUNTRY":
        code = re.sub(r"[^a-z]", "", value.lower())
        return code if len(code) == 2 else ""
    if key == "GEN":
        first = value.strip().lower()[:1]
        return first if first in ("m", "f") else ""
    return value.strip()


def sha256(text: str) -> str:
    """SHA-256 hex of a normalised value (`""` stays `""`)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


@dataclass
class CustomerList:
    """Hashed rows of one customer file, with counts; only `summary()` may be stored."""

    path: str
    schema: list[str]
    file_sha256: str
    received: int = 0
    invalid: int = 0
    phones_without_country: int = 0  # kept, but Meta may not match them
    rows: list[list[str]] = field(default_factory=list, repr=False)

    def summary(self) -> dict[str, Any]:
        """Return counts and the file digest: what state, the ledger and reports may hold."""
        return {"file": Path(self.path).name, "file_sha256": self.file_sha256,
                "schema": list(self.schema), "rows_read": self.received,
                "rows_valid": len(self.rows), "rows_dropped": self.invalid,
                "phones_without_country_code": self.phones_without_country}


def _read_text(path: Path) -> tuple[str, str]:
    where = str(path)
    try:
        if not path.is_file():
            raise CustomerListError(f"customer list {where}: no such file; give the path of a "
                                    "CSV (or a list of emails/phones, one per line) this "
                                    "machine can read")
        data = path.read_bytes()
    except OSError as exc:
        raise CustomerListError(f"customer list {where}: cannot be read "
                                f"({type(exc).__name__}); check the path and its "
                                "permissions") from None
    if len(data) > MAX_FILE_BYTES:
        raise CustomerListError(f"customer list {where}: larger than "
                                f"{MAX_FILE_BYTES // 2**20} MB; split it into several lists")
    digest = hashlib.sha256(data).hexdigest()
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding), digest
        except UnicodeError:
            continue
    try:
        return data.decode("latin-1"), digest
    except UnicodeError:  # pragma: no cover - latin-1 decodes any bytes
        raise CustomerListError(f"customer list {where}: not a text file; export it as "
                                "UTF-8 CSV") from None


def read_customer_list(path: str | Path, phone_country: str | None = None) -> CustomerList:
    """Read a customer file once and return its hashed rows (module docstring).

    Raises `CustomerListError` naming the file and the fix when the file cannot be read, is
    empty, has no email or phone column, or has no valid row.
    """
    path = Path(path).expanduser()
    text, digest = _read_text(path)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise CustomerListError(f"customer list {path}: the file is empty; export the list "
                                "with an email or phone column")
    code = calling_code(phone_country)
    if phone_country and code is None:
        raise CustomerListError(f"customer list {path}: phone_country {phone_country!r} is not "
                                "a known ISO country code; give e.g. 'US' or 'GB', or write "
                                "the numbers with their country code (+44...)")
    try:
        dialect: Any = csv.Sniffer().sniff(lines[0], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        table = list(csv.reader(io.StringIO("\n".join(lines)), dialect))
    except csv.Error:
        raise CustomerListError(f"customer list {path}: not a readable CSV; export it as "
                                "comma-separated UTF-8 text") from None
    header = [_header_key(cell) for cell in table[0]]
    if any(header):
        columns = {k: header.index(k) for k in SCHEMA_ORDER if k in header}
        body = table[1:]
    elif all(len(r) == 1 for r in table):  # a plain list: one email or phone per line
        columns, body = {}, table
    else:
        raise CustomerListError(f"customer list {path}: no header row names an email or phone "
                                "column; add a first line such as 'email,phone,first_name'")
    if not columns:
        schema = ["EMAIL", "PHONE"]
    elif "EMAIL" in columns or "PHONE" in columns:
        schema = list(columns)
    else:
        raise CustomerListError(f"customer list {path}: no email or phone column (Meta matches "
                                "people on them); add a column headed 'email' or 'phone'")
    out = CustomerList(str(path), schema, digest)
    for cells in body:
        out.received += 1
        if not columns:
            value = cells[0] if cells else ""
            values = {"EMAIL": value, "PHONE": ""} if "@" in value else {"EMAIL": "",
                                                                        "PHONE": value}
        else:
            values = {k: (cells[i] if i < len(cells) else "") for k, i in columns.items()}
        norm = {k: _normalise(k, values.get(k, ""), code) for k in schema}
        if not (norm.get("EMAIL") or norm.get("PHONE")):
            out.invalid += 1
            continue
        phone = values.get("PHONE", "").strip()
        if norm.get("PHONE") and not code and not phone.startswith(("+", "00")):
            out.phones_without_country += 1
        out.rows.append([sha256(norm[k]) for k in schema])
    if out.received == 0:
        raise CustomerListError(f"customer list {path}: only a header row; add the customers "
                                "below it")
    if not out.rows:
        raise CustomerListError(f"customer list {path}: none of its {out.received} rows has a "
                                "valid email or phone; check the columns and, for phone "
                                "numbers without a country code, set phone_country")
    return out


def session_id_for(audience_key: str, file_sha256: str) -> int:
    """Return a session id fixed by the audience and the file, so a resumed upload continues it."""
    return int(hashlib.sha256(f"{audience_key}:{file_sha256}".encode()).hexdigest()[:13], 16)


def batches(customers: CustomerList, session_id: int, size: int = MAX_BATCH
            ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(batch_seq, params)` for `POST /<ca_id>/users`, ≤ `size` rows each."""
    if not 0 < size <= MAX_BATCH:
        raise ValueError(f"batch size must be 1..{MAX_BATCH}")
    total = len(customers.rows)
    count = max(1, -(-total // size))
    for seq in range(1, count + 1):
        rows = customers.rows[(seq - 1) * size: seq * size]
        yield seq, {"payload": {"schema": list(customers.schema), "data": rows},
                    "session": {"session_id": session_id, "batch_seq": seq,
                                "last_batch_flag": seq == count,
                                "estimated_num_total": total}}
