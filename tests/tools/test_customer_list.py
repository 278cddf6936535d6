"""Customer lists: normalisation and hashing as Meta requires, batches, and errors without values."""

from __future__ import annotations

import hashlib

import pytest

from tools.customer_list import (
    CustomerListError,
    batches,
    normalise_email,
    normalise_phone,
    read_customer_list,
    session_id_for,
)


def h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(("raw", "want"), [
    ("  Alice.Smith@Example.COM \t", "alice.smith@example.com"),
    ("bob@shop.co.uk", "bob@shop.co.uk"),
    ("not-an-email", None),
    ("a@b", None),
    ("", None),
])
def test_emails_are_trimmed_and_lowercased(raw, want):
    assert normalise_email(raw) == want


@pytest.mark.parametrize(("raw", "country", "want"), [
    ("+1 (650) 555-1234", None, "16505551234"),  # international as written: no "+"
    ("001 650 555 1234", None, "16505551234"),  # 00 prefix = international
    ("(650) 555-1234", "1", "16505551234"),  # national: default code prefixed
    ("16505551234", "1", "16505551234"),  # already has the code: not doubled
    ("07911 123456", "44", "447911123456"),  # UK trunk zero dropped, code prefixed
    ("+44 (0)7911 123456", None, "447911123456"),  # the "(0)" people write is dropped
    ("555-12", "1", None),  # too short for any country
    ("phone", "1", None),
])
def test_phones_become_digits_with_country_code_and_no_plus(raw, country, want):
    assert normalise_phone(raw, country) == want


def test_a_csv_is_detected_normalised_hashed_and_invalid_rows_counted(tmp_path):
    path = tmp_path / "buyers.csv"
    path.write_text("First Name;E-mail;Phone Number;ZIP;Country\n"
                    "Zoë;  ZOE@Example.com ;(650) 555-0101;94105-1234;US\n"
                    "Bob;bob-at-nowhere;;94105;US\n"  # no valid email or phone: dropped
                    "Carl;;07911 123456;SW1A 1AA;GB\n", encoding="utf-8")
    cl = read_customer_list(path, phone_country="US")
    assert cl.schema == ["EMAIL", "PHONE", "FN", "ZIP", "COUNTRY"]
    assert (cl.received, len(cl.rows), cl.invalid) == (3, 2, 1)
    assert cl.rows[0] == [h("zoe@example.com"), h("16505550101"), h("zoë"), h("94105"), h("us")]
    # Carl's number has no "+", so the plan's default country (US) is prefixed after the zero
    assert cl.rows[1][:2] == ["", h("17911123456")]
    assert cl.rows[1][3:] == [h("sw1a1aa"), h("gb")]
    assert cl.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    summary = cl.summary()
    assert summary == {"file": "buyers.csv", "file_sha256": cl.file_sha256,
                       "schema": cl.schema, "rows_read": 3, "rows_valid": 2, "rows_dropped": 1,
                       "phones_without_country_code": 0}
    assert "zoe" not in repr(cl).lower() and "650" not in repr(cl)


def test_a_plain_list_of_emails_and_phones_needs_no_header(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("ann@example.com\n+44 7911 123456\n\nnonsense\n", encoding="utf-8")
    cl = read_customer_list(path)
    assert cl.schema == ["EMAIL", "PHONE"]
    assert cl.rows == [[h("ann@example.com"), ""], ["", h("447911123456")]]
    assert (cl.received, cl.invalid) == (3, 1)


def test_phones_without_any_country_code_are_counted(tmp_path):
    path = tmp_path / "phones.csv"
    path.write_text("phone\n(650) 555-0101\n+44 7911 123456\n")
    assert read_customer_list(path).phones_without_country == 1
    assert read_customer_list(path, phone_country="US").phones_without_country == 0


@pytest.mark.parametrize(("content", "fix"), [
    (None, "no such file"),
    (b"", "empty"),
    (b"name,city\nAnn,Paris\n", "add a column headed 'email' or 'phone'"),
    (b"email\n", "only a header row"),
    (b"email\nnot-an-email\n", "none of its 1 rows"),
    (b"a,b\nc,d\n", "no header row names an email or phone column"),
])
def test_unusable_files_are_refused_naming_the_file_and_the_fix(tmp_path, content, fix):
    path = tmp_path / "customers.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CustomerListError) as err:
        read_customer_list(path)
    assert str(path) in str(err.value) and fix in str(err.value)


def test_an_unknown_default_country_is_refused(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("phone\n5550101\n")
    with pytest.raises(CustomerListError, match="phone_country 'XX'"):
        read_customer_list(path, phone_country="XX")


def test_errors_never_quote_a_value(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("email\nsecret.person_at_example.com\n")
    with pytest.raises(CustomerListError) as err:
        read_customer_list(path)
    assert "secret" not in str(err.value)


def test_batches_hold_at_most_the_limit_and_share_one_session(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("email\n" + "".join(f"u{i}@example.com\n" for i in range(25)))
    cl = read_customer_list(path)
    sid = session_id_for("aud-key", cl.file_sha256)
    out = list(batches(cl, sid, size=10))
    assert [seq for seq, _ in out] == [1, 2, 3]
    assert [len(p["payload"]["data"]) for _, p in out] == [10, 10, 5]
    assert [p["session"] for _, p in out] == [
        {"session_id": sid, "batch_seq": i, "last_batch_flag": i == 3, "estimated_num_total": 25}
        for i in (1, 2, 3)]
    assert all(p["payload"]["schema"] == ["EMAIL"] for _, p in out)
    assert sid == session_id_for("aud-key", cl.file_sha256) != session_id_for("other", cl.file_sha256)
    assert 0 < sid < 2**53  # fits Meta's int64 and JSON numbers
    with pytest.raises(ValueError):
        list(batches(cl, sid, size=10_001))
