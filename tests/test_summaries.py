"""What the search index holds per page: a summary line, the IDs as tags, a boost."""

from __future__ import annotations

import json

import pytest
from attack_mappings import summaries
from attack_mappings.generate import generate_site
from attack_mappings.model import build_catalog
from attack_mappings.render import SiteInfo
from attack_mappings.sources import load_sources

from tests.conftest import ROOT


def test_first_sentence_is_plain_text():
    text = (
        "Adversaries may use [stolen tokens](https://example.org/x) and `curl` "
        "to *bypass* checks.(Citation: Some Source) These tokens are typically stolen."
    )
    assert summaries.first_sentence(text) == (
        "Adversaries may use stolen tokens and curl to bypass checks."
    )


def test_first_sentence_stops_at_a_word_when_too_long():
    sentence = summaries.first_sentence("word " * 100, limit=30)
    assert sentence.endswith("…") and len(sentence) <= 31
    assert sentence[:-1].split() == ["word"] * 6  # 29 characters: the most that fit


def test_only_ids_that_are_codes_become_tags():
    kept = ["T1550.001", "A&A-01", "CVE-2021-44228", "IAM", "TA0006", "AC-02"]
    dropped = ["access_ctrl", "action.hacking.vector.Web application", "amazon_cognito"]
    assert summaries.codes(*kept, *dropped) == tuple(kept)


def test_shorter_names_get_the_larger_boost():
    exact = summaries.name_boost("Application Access Token")
    longer = summaries.name_boost("Steal Application Access Token")
    assert 1 < longer < exact < 1 + summaries.NAME_BOOST


@pytest.fixture(scope="module")
def sample_pages():
    catalog = build_catalog(ROOT / "data", load_sources(ROOT / "data" / "sources.yaml"))
    return generate_site(catalog, SiteInfo("Test")).pages


def test_technique_and_control_pages_carry_summary_and_ids(sample_pages):
    pages = sample_pages
    technique = pages["techniques/T1550.001.html"]
    assert technique.ids == ("T1550.001",)  # a sub-technique: its ID once
    assert technique.description.startswith("Sub-technique in ATT&CK Enterprise 17.1.")
    assert "Adversaries may use stolen application access tokens" in technique.description
    control = pages["frameworks/csa_ccm/controls/I&S-05.html"]
    assert control.ids == ("I&S-05",)
    assert control.description == (
        "Control of CSA Cloud Controls Matrix 4.1. Group: Infrastructure Security. "
        "Maps 1 technique."
    )


def test_sample_search_index_holds_summaries_and_tags_not_bodies(sample_site):
    index = json.loads((sample_site / "search" / "search_index.json").read_text())
    docs = {doc["location"]: doc for doc in index["docs"]}
    technique = docs["techniques/T1550.001.html"]
    assert technique["tags"] == ["T1550.001"]
    assert "Sub-technique in ATT&amp;CK Enterprise 17.1." in technique["text"]
    assert "IAM-08" not in technique["text"]  # the mapping table stays out of the index
    assert docs["frameworks/csa_ccm/controls/I%26S-05.html"]["tags"] == ["I&S-05"]
    assert not [loc for loc in docs if loc.startswith("attack/enterprise/17.1/")]


@pytest.mark.realdata
def test_parent_technique_outranks_its_sub_techniques_and_retired_ones_rank_last(ccm_data):
    catalog = build_catalog(ccm_data, load_sources(ROOT / "data" / "sources.yaml"))
    pages = generate_site(catalog, SiteInfo("Test")).pages
    parent, sub = pages["techniques/T1550.html"], pages["techniques/T1550.001.html"]
    assert parent.ids == ("T1550", "T1550") and sub.ids == ("T1550.001",)
    revoked = pages["techniques/T1527.html"]  # revoked, same name as T1550.001
    assert revoked.boost < 1 < sub.boost
    assert pages["frameworks/csa_ccm/groups/IAM.html"].ids == ("IAM",)
    assert pages["tactics/TA0006.html"].description.startswith("Tactic of ATT&CK Enterprise")
