"""The register's fast path gives the record full validation gives, or leaves the row to it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graphsvc.model.records import DivisionRow

HEADERS = [
    ["code", "kind", "subtype", "name", "register_name", "parent", "source"],
    ["source", "parent", "name", "kind", "code"],  # another order, optional columns left out
    ["code", "kind", "name", "source"],
]
ROWS = [
    {"code": "110111009212", "kind": "village", "subtype": "村委会", "name": " 黄山店村 ",
     "register_name": "黄山店村委会", "parent": "110111009", "source": "S1"},
    {"code": "110111009", "kind": "township", "subtype": "", "name": "周口店地区",
     "register_name": "", "parent": "110111", "source": "S1"},
    {"code": "11011100921", "kind": "village", "name": "x", "source": "S1"},  # 11 digits
    {"code": "110111009212", "kind": "", "name": "x", "source": "S1"},  # no kind
    {"code": "110111009212", "kind": "village", "name": "  ", "source": "S1"},  # blank name
    {"code": "110111009212", "kind": "village", "name": "x", "source": ""},  # no source
]


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("row", ROWS)
def test_same_record_as_full_validation_or_none(header: list[str], row: dict[str, str]) -> None:
    cells = [row.get(h, "") for h in header]
    fast = DivisionRow.fast_reader(header)(cells)
    try:
        full = DivisionRow.model_validate(dict(zip(header, cells, strict=True))).record()
    except ValidationError:
        assert fast is None  # a row that fails goes to pydantic, which words the error
        return
    assert fast is None or fast == full
    if row["kind"] and row["name"].strip() and row["source"] and len(row["code"]) in (6, 9, 12):
        assert fast == full  # a plainly valid row takes the fast path
