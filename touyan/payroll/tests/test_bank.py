"""一卡通 accounts: the number rule (16–19 digits and the Luhn digit for a card, a passbook as the
marked exception) and the spreadsheet import, all or nothing with a row report (R-DATA-01)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from conftest import VILLAGE_A1, VILLAGE_B1, make_id
from touyan.audit.models import AuditEvent
from touyan.core.errors import InvalidInput
from touyan.payroll.bankimport import BankImportInvalid, bank_accounts_import, bank_template, read_bank_file
from touyan.payroll.models import BankAccount
from touyan.payroll.rules import benefits as rules


def test_luhn() -> None:
    """ISO/IEC 7812: 6217000011112220 and 6228480000123452 pass; 6217000011112222 does not."""
    assert rules.luhn_ok("6217000011112220") and rules.luhn_ok("6228480000123452")
    assert rules.luhn_ok("6217001234567891237")  # 19 digits
    assert not rules.luhn_ok("6217000011112222") and not rules.luhn_ok("")


@pytest.mark.parametrize(
    ("raw", "kind", "field"),
    [
        ("62170000", "card", "account"),  # the 8 digits
        ("621700001111222", "card", "account"),  # 15 digits
        ("62170000111122223333", "card", "account"),  # 20 digits
        ("6217000011112222", "card", "account"),  # 16 digits, wrong check digit
        ("6217000011112220", "cheque", "kind"),
        ("1234567", "passbook", "account"),  # passbook: 8–32 digits
    ],
)
def test_account_refused(raw: str, kind: str, field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        rules.check_account(raw, kind)
    assert field in exc.value.errors


def test_account_accepted() -> None:
    """A card of 16 or 19 digits with its check digit (spaces dropped); a passbook of 12 digits."""
    assert rules.check_account("6217 0000 1111 2220") == "6217000011112220"
    assert rules.check_account("6217001234567891237", "card") == "6217001234567891237"
    assert rules.check_account("620123456789", "passbook") == "620123456789"


@pytest.mark.django_db
def test_single_page_refuses_the_eight_digit_account(login, personas, make_cadre) -> None:
    """The issue's "62170000" is refused beside the field; marked 存折 a 12-digit number is kept."""
    person = make_cadre(village=VILLAGE_A1)
    officer = login(personas["township_a1"])
    url = f"/payroll/cadres/{person.pk}/bank/"
    r = officer.post(url, {"bank": "农商银行", "account": "62170000", "kind": "card"})
    assert r.status_code == 200 and "16 至 19 位" in r.content.decode()
    assert not BankAccount.objects.exists()
    assert officer.post(url, {"bank": "信用社", "account": "620123456789", "kind": "passbook"}).status_code == 302
    assert BankAccount.objects.get(person=person).kind == "passbook"


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["身份证号", "姓名", "开户行", "账号", "账户类型"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_is_all_or_nothing_with_a_row_report(personas, make_cadre) -> None:
    """Three rows, one with an 8-digit card and one of another county's cadre: nothing is written
    and the report names rows 3 and 4; corrected, all three are written and audited masked."""
    officer = personas["township_a1"]
    a, b = make_cadre(village=VILLAGE_A1, name="韦一"), make_cadre(village=VILLAGE_A1, name="韦二")
    outsider = make_cadre(village=VILLAGE_B1, name="外县")
    number = {p.pk: make_id(p.village_id[:6], "19850101", i) for i, p in enumerate((a, b, outsider), start=1)}
    from touyan.cadres.models import Person

    assert Person.objects.get(pk=a.pk).id_hash  # the rows are matched by the ID number's hash
    bad = _xlsx(
        [
            [number[a.pk], "韦一", "兴义农商银行", "6217000011112220", "银行卡"],
            [number[b.pk], "韦二", "兴义农商银行", "62170000", ""],
            [number[outsider.pk], "外县", "农信社", "6228480000123452", "银行卡"],
        ]
    )
    with pytest.raises(BankImportInvalid) as exc:
        bank_accounts_import(actor=officer, rows=read_bank_file(bad))
    assert {(p.row, p.column) for p in exc.value.rows} == {(3, "账号"), (4, "身份证号")}
    assert not BankAccount.objects.exists() and not AuditEvent.objects.filter(action="payroll.bank_account.set")
    good = _xlsx(
        [
            [number[a.pk], "韦一", "兴义农商银行", "6217000011112220", "银行卡"],
            [number[b.pk], "韦二", "兴义信用社", "620123456789", "存折"],
        ]
    )
    result = bank_accounts_import(actor=officer, rows=read_bank_file(good))
    assert (result.written, result.cards, result.passbooks) == (2, 1, 1)
    assert BankAccount.objects.get(person=b).kind == "passbook"
    changes = list(AuditEvent.objects.filter(action="payroll.bank_account.set").values_list("changes", flat=True))
    assert len(changes) == 2 and "6217000011112220" not in str(changes)


@pytest.mark.django_db
def test_import_page_shows_the_report_and_the_template(login, personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, name="韦三")
    officer = login(personas["township_a1"])
    assert officer.get("/payroll/bank/import/").status_code == 200
    template = officer.get("/payroll/bank/import/template.xlsx")
    assert template.status_code == 200
    headers = [c.value for c in next(load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows())]
    assert headers == ["身份证号", "姓名", "开户行", "账号", "账户类型"]
    upload = io.BytesIO(_xlsx([["", "韦三", "兴义农商银行", "62170000", ""]]))
    upload.name = "accounts.xlsx"
    r = officer.post("/payroll/bank/import/", {"file": upload})
    page = r.content.decode()
    assert r.status_code == 422 and "错误报告" in page and "请填写身份证号或干部编号" in page
    assert not BankAccount.objects.filter(person=person).exists()
    assert login(personas["auditor"]).get("/payroll/bank/import/").status_code == 403
    assert bank_template()[:2] == b"PK"
