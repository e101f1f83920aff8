"""Any mapping set, however odd, either stops with a DataError or renders: nothing else."""

from __future__ import annotations

import os
import posixpath
import tempfile
from pathlib import Path

import yaml
from attack_mappings import mappings
from attack_mappings.errors import DataError
from attack_mappings.generate import generate_site
from attack_mappings.model import build_catalog
from attack_mappings.render import SiteInfo
from attack_mappings.sources import Sources
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.hostile import write_hostile_data

_TEXT = st.sampled_from(
    ["T0001", "T0001.001", "T0002", "T9999", "", " ", "mitigates", "non_mappable", "G", "<G>"]
    + ["C-1", "c-1", "..", "complete", "CON", "a|b", "{{ x }}", "5"]
)
_VALUE = (
    _TEXT
    | st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.lists(_TEXT, max_size=2)
    | st.dictionaries(_TEXT, _TEXT, max_size=2)
)
_ROW = st.fixed_dictionaries(
    {
        key: _TEXT | st.none()
        for key in ("capability_id", "attack_object_id", "mapping_type", "capability_group")
    },
    optional={
        "capability_description": _VALUE,
        "comments": _VALUE,
        "references": _VALUE,
        "status": _VALUE,
        "score_category": _VALUE,
        "score_value": _VALUE,
        "extra": _VALUE,
    },
)
_SET = st.fixed_dictionaries(
    {
        "metadata": st.fixed_dictionaries(
            {
                "technology_domain": st.just("enterprise"),
                "attack_version": st.just("1.0"),
                "mapping_framework": st.sampled_from(["demo", "Demo", "a b", "index.html"]),
                "mapping_framework_version": st.sampled_from(["1", "1/2", "CON", "controls"]),
            },
            optional={
                "mapping_types": st.dictionaries(
                    _TEXT,
                    st.none()
                    | st.dictionaries(st.sampled_from(["name", "description"]), _VALUE, max_size=2),
                    max_size=3,
                ),
                "capability_groups": st.dictionaries(_TEXT | st.integers(0, 3), _VALUE, max_size=3),
                "author": _VALUE,
            },
        ),
        "mapping_objects": st.none() | st.lists(_ROW, max_size=6),
    }
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


@settings(
    max_examples=int(os.environ.get("MX_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_SET)
def test_any_mapping_set_stops_with_a_data_error_or_renders(content):
    with tempfile.TemporaryDirectory() as folder:
        data = write_hostile_data(Path(folder) / "data", ids=[])
        target = data / "mappings" / "evil-1_attack-1.0-enterprise.yaml"
        target.write_text(yaml.dump(content, Dumper=_NoAliases), encoding="utf-8")
        try:
            catalog = build_catalog(data, Sources())
        except DataError as error:
            assert error.problems and all(str(p.path) == str(target) for p in error.problems)
            event("stopped with a DataError")
            return
        output = generate_site(catalog, SiteInfo("Fuzz"))
        event("rendered")
    for path in [*output.pages, *output.redirects]:
        assert posixpath.normpath(path) == path and not path.startswith(("/", ".."))


@settings(max_examples=int(os.environ.get("MX_FUZZ_EXAMPLES", "60")) * 5, deadline=None)
@given(_SET | st.dictionaries(_TEXT, _VALUE, max_size=3))
def test_the_quick_schema_check_agrees_with_the_full_one(content):
    # Files the quick check passes are never checked by jsonschema: the two must agree.
    quick = mappings._valid()(content)
    full = not any(True for _ in mappings._validator().iter_errors(content))
    event("valid" if full else "invalid")
    assert quick == full
