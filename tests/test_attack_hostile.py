"""Hand-made STIX bundles of the wrong shape are refused with the object named, never read."""

from __future__ import annotations

import json

import pytest
from attack_mappings.attack import load_release
from attack_mappings.errors import DataError

from tests.hostile import bundle

TECHNIQUE = {
    "type": "attack-pattern",
    "id": "attack-pattern--x",
    "external_references": [{"source_name": "mitre-attack", "external_id": "T1"}],
}


@pytest.mark.parametrize(
    ("objects", "message"),
    [
        ([1], "the object is not a JSON object"),
        ([None], "the object is not a JSON object"),
        ([{"type": "attack-pattern"}], "the object has no text 'type' and 'id'"),
        ([dict(TECHNIQUE, name=5)], "object 'attack-pattern--x' field 'name' is not text"),
        (
            [dict(TECHNIQUE, external_references=5)],
            "object 'attack-pattern--x' field 'external_references' is not a list of objects",
        ),
        (
            [dict(TECHNIQUE, external_references=[{"external_id": 7}])],
            "object 'attack-pattern--x' field 'external_references' has an entry whose fields"
            " are not all text",
        ),
        (
            [dict(TECHNIQUE, kill_chain_phases=["x"])],
            "object 'attack-pattern--x' field 'kill_chain_phases' is not a list of objects",
        ),
        (
            [dict(TECHNIQUE, x_mitre_platforms=[["Windows"]])],
            "object 'attack-pattern--x' field 'x_mitre_platforms' is not a list of text",
        ),
        (
            [{"type": "relationship", "id": "r", "source_ref": ["a"]}],
            "object 'r' field 'source_ref' is not text",
        ),
    ],
)
def test_objects_of_the_wrong_shape_are_named(tmp_path, objects, message):
    path = tmp_path / "enterprise-attack-1.0.json"
    path.write_text(json.dumps({"type": "bundle", "objects": [TECHNIQUE, *objects]}))
    with pytest.raises(DataError) as caught:
        load_release(path)
    ((problem),) = caught.value.problems
    assert (problem.path, problem.field, problem.message) == (path, "objects.1", message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
        ('{"type": "bundle", "objects": [NaN', "not valid JSON: Expecting ',' delimiter"),
        ("[]", "not a STIX bundle: the file holds no JSON object"),
        ('{"type": "bundle", "objects": {}}', "not a STIX bundle: expected an object of type"),
        ('{"type": "indicator"}', "not a STIX bundle: expected an object of type"),
    ],
)
def test_files_that_are_not_bundles_say_so(tmp_path, content, message):
    path = tmp_path / "enterprise-attack-1.0.json"
    path.write_text(content)
    with pytest.raises(DataError) as caught:
        load_release(path)
    assert caught.value.problems[0].message.startswith(message)
    assert str(path) in str(caught.value)


def test_the_hostile_bundle_reads_with_its_text_unchanged(tmp_path):
    path = tmp_path / "enterprise-attack-1.0.json"
    path.write_text(json.dumps(bundle()))
    release = load_release(path)
    assert release.key == ("enterprise", "1.0")
    technique = release.techniques["T0001"]
    assert technique.name.startswith("T0001 name: <script>")
    assert technique.subtechniques == ["T0001.001"]
    assert [t.id for t in release.tactics] == ["TA0001"]
