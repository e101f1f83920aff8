"""Tables and their formats: YAML that reads back the same, cells that stay text, addresses."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from attack_mappings import urls
from attack_mappings.exports import MAX_CELL, csv_bytes, document_yaml, xlsx_bytes
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

# Text as mapping files hold it: any character a YAML file may carry.
TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters=["\x00"]), max_size=40
)
VALUE = st.one_of(st.none(), TEXT, st.lists(TEXT, max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(TEXT.filter(bool), VALUE, min_size=1, max_size=5), max_size=4))
def test_yaml_rows_read_back_the_same(rows):
    document = {"metadata": {"mapping_framework": "x"}, "mapping_objects": rows}
    assert yaml.load(document_yaml(document), Loader=yaml.CSafeLoader) == document


@pytest.mark.parametrize(
    "text", ["yes", "No", "null", "4.1", "1e3", "- a", "a: b", "a #b", "@x", "'q'", "", " x "]
)
def test_yaml_words_with_a_meaning_stay_text(text):
    document = {"metadata": {}, "mapping_objects": [{"comments": text, "references": [text]}]}
    back = yaml.safe_load(document_yaml(document))
    assert back["mapping_objects"][0] == {"comments": text, "references": [text]}


def test_csv_cells_a_spreadsheet_would_run_get_a_quote():
    records = [{"a": "=1+1", "b": ["https://x", "https://y"]}, {"a": "+1", "b": None}]
    rows = list(csv.reader(io.StringIO(csv_bytes(["a", "b"], records).decode())))
    assert rows == [["a", "b"], ["'=1+1", "https://x\nhttps://y"], ["'+1", ""]]


def test_download_addresses():
    assert urls.download_path("csa_ccm", "4.1", "x.csv") == "frameworks/csa_ccm/4.1/downloads/x.csv"
    name = urls.set_download_name("csa_ccm-4.1_attack-17.1-enterprise", "navigator")
    assert name == "csa_ccm-4.1_attack-17.1-enterprise-navigator-layer.json"
    assert urls.file_slug("a b") != urls.file_slug("a-b")
    assert "/" not in urls.file_slug("../../etc") and ".." not in urls.file_slug("../../etc")
    assert urls.table_path("techniques/T1550.001.html", "csv") == "techniques/T1550.001.csv"
    assert urls.table_path("frameworks/csa_ccm/controls/I&S-05.html", "json") == (
        "frameworks/csa_ccm/controls/I&S-05.json"
    )
    with pytest.raises(ValueError):
        urls.table_path("techniques/T1.html", "xlsx")
    assert urls.changes_path("csa_ccm") == "frameworks/csa_ccm/changes.html"
    assert urls.changes_path("csa_ccm", "4.2") == "frameworks/csa_ccm/4.2/changes.html"
    assert urls.version_slug("changes.html") != "changes.html"


def test_workbook_cells_are_text_without_refused_characters():

    content = xlsx_bytes({"s": (["a"], [["bell\x07"], ["=SUM(A1)"], ["x" * (MAX_CELL + 5)]])})
    sheet = load_workbook(io.BytesIO(content))["s"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert cells[0].value == "bell\ufffd"
    assert cells[1].value == "=SUM(A1)" and cells[1].data_type == "s"
    assert len(cells[2].value) == MAX_CELL
