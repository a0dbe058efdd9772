"""The review record in Chinese: its derivation names criteria and parts by their words, shows
at most 4 decimals and arithmetic that holds (see tests/reviews/test_chinese_derivation.py)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.helpers import ALLOWED, KEYS, ZH, assert_reads_in_chinese, derivation_items


def test_the_printable_record_and_the_pdf_read_in_chinese(client, login, world):
    login(world.hr)
    page = client.get(f"/records/appraisals/{world.appraisal.id}", headers=ZH)
    assert page.status_code == 200
    lines = derivation_items(page.get_data(as_text=True), "derivation")
    assert_reads_in_chinese(lines)
    pdf = client.get(f"/records/appraisals/{world.appraisal.id}.pdf", headers=ZH).data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    derivation = text[
        text.index("得分如何计算") : text.index("绩效改进计划", text.index("得分如何计算"))
    ]
    derivation = "\n".join(line for line in derivation.splitlines() if "SHA-256" not in line)
    leaks = [k for k in KEYS if re.search(rf"(?<![A-Za-z_]){k}(?![A-Za-z_])", derivation)]
    assert leaks == []
    assert re.findall(r"[A-Za-z]{2,}", ALLOWED.sub("", derivation)) == []
    assert not re.search(r"\d\.\d{5,}", derivation)
