"""Where each item of the catalog is published, by the rules in ``urls``.

The newest version holding an item is shown at its version-free address and its
pinned address redirects there; each older version is shown at its pinned address.
"""

from __future__ import annotations

from collections import defaultdict

from . import urls
from .attack import Release, Tactic, Technique
from .mappings import MappingSet
from .model import Catalog, Control, FrameworkVersion


class Addresses:
    """Answers "where is the page for this?" for every kind of page."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._runs: dict[str, list[list[Release]]] = {}
        self._shown_in: dict[tuple[str, tuple[str, str]], Release] = {}
        # Versions holding each control ID, per framework, oldest first.
        self._control_versions: dict[tuple[str, str], list[FrameworkVersion]] = defaultdict(list)
        self._group_versions: dict[tuple[str, str], list[FrameworkVersion]] = defaultdict(list)
        for framework in catalog.frameworks.values():
            for version in framework.versions:
                for control_id in version.controls:
                    self._control_versions[(framework.id, control_id)].append(version)
                for group_id in version.groups:
                    self._group_versions[(framework.id, group_id)].append(version)

    # ATT&CK

    def has_technique(self, technique_id: str | None) -> bool:
        return bool(technique_id) and technique_id in self.catalog.technique_releases

    def technique_runs(self, technique_id: str) -> list[list[Release]]:
        """Group the releases holding a technique into runs that describe it alike.

        Consecutive releases whose text of the technique is the same share one page: the
        newest of the run holds it and the others' pinned addresses redirect there.
        """
        runs = self._runs.get(technique_id)
        if runs is None:
            runs = []
            previous = None
            for release in self.catalog.technique_releases[technique_id]:
                text = _visible(release.techniques[technique_id])
                if runs and text == previous:
                    runs[-1].append(release)
                else:
                    runs.append([release])
                previous = text
            self._runs[technique_id] = runs
            for run in runs:
                for release in run:
                    self._shown_in[(technique_id, release.key)] = run[-1]
        return runs

    def technique(self, technique_id: str, release: Release | None = None) -> str:
        """Return the page of a technique, as of a release (default: the newest)."""
        if release is not None:
            self.technique_runs(technique_id)
            release = self._shown_in[(technique_id, release.key)]
        if release is None or self.catalog.release_of(technique_id) is release:
            return urls.technique_path(technique_id)
        return urls.technique_path(technique_id, release.domain, release.version)

    def technique_pinned(self, technique_id: str, release: Release) -> str:
        return urls.technique_path(technique_id, release.domain, release.version)

    def _newest_release(self, domain: str) -> Release:
        return self.catalog.releases_of(domain)[-1]

    def tactic(self, tactic: Tactic, release: Release) -> str:
        if self._newest_release(release.domain) is release:
            return urls.tactic_path(tactic.id)
        return urls.tactic_path(tactic.id, release.domain, release.version)

    def tactic_pinned(self, tactic: Tactic, release: Release) -> str:
        return urls.tactic_path(tactic.id, release.domain, release.version)

    def matrix(self, release: Release) -> str:
        if self._newest_release(release.domain) is release:
            return urls.matrix_path(release.domain)
        return urls.matrix_path(release.domain, release.version)

    def matrix_pinned(self, release: Release) -> str:
        return urls.matrix_path(release.domain, release.version)

    # Frameworks

    def framework(self, version: FrameworkVersion) -> str:
        if version.is_newest:
            return urls.framework_path(version.framework.id)
        return urls.framework_path(version.framework.id, version.version)

    def framework_pinned(self, version: FrameworkVersion) -> str:
        return urls.framework_path(version.framework.id, version.version)

    def quality(self, version: FrameworkVersion) -> str:
        if version.is_newest:
            return urls.quality_path(version.framework.id)
        return urls.quality_path(version.framework.id, version.version)

    def quality_pinned(self, version: FrameworkVersion) -> str:
        return urls.quality_path(version.framework.id, version.version)

    def coverage(self, version: FrameworkVersion) -> str:
        if version.is_newest:
            return urls.coverage_path(version.framework.id)
        return urls.coverage_path(version.framework.id, version.version)

    def coverage_section(self, version: FrameworkVersion, mapping_set: MappingSet) -> str:
        """Return the section of a mapping set on its version's coverage page."""
        anchor = urls.coverage_anchor(mapping_set.domain, mapping_set.attack_version)
        return f"{self.coverage(version)}#{anchor}"

    def coverage_pinned(self, version: FrameworkVersion) -> str:
        return urls.coverage_path(version.framework.id, version.version)

    def control_versions(self, control: Control) -> list[FrameworkVersion]:
        """Return the versions of the control's framework holding its ID, oldest first."""
        return self._control_versions[(control.version.framework.id, control.id)]

    def control(self, control: Control) -> str:
        framework = control.version.framework.id
        if self.control_versions(control)[-1] is control.version:
            return urls.control_path(framework, control.id)
        return urls.control_path(framework, control.id, control.version.version)

    def control_free(self, control: Control) -> str:
        return urls.control_path(control.version.framework.id, control.id)

    def control_pinned(self, control: Control) -> str:
        return urls.control_path(control.version.framework.id, control.id, control.version.version)

    def group_versions(self, version: FrameworkVersion, group_id: str) -> list[FrameworkVersion]:
        return self._group_versions[(version.framework.id, group_id)]

    def group(self, version: FrameworkVersion, group_id: str) -> str:
        framework = version.framework.id
        if self.group_versions(version, group_id)[-1] is version:
            return urls.group_path(framework, group_id)
        return urls.group_path(framework, group_id, version.version)

    def group_pinned(self, version: FrameworkVersion, group_id: str) -> str:
        return urls.group_path(version.framework.id, group_id, version.version)

    def download(self, version: FrameworkVersion, name: str) -> str:
        return urls.download_path(version.framework.id, version.version, name)

    # Downloads and "what changed" pages

    def set_downloads(self, mapping_set: MappingSet) -> list[tuple[str, str]]:
        """Return (label, address) of every download of a mapping set."""
        return [
            (
                label,
                urls.download_path(
                    mapping_set.framework,
                    mapping_set.framework_version,
                    urls.set_download_name(mapping_set.name, kind),
                ),
            )
            for kind, (label, _) in urls.SET_DOWNLOADS.items()
        ]

    def technique_table(self, technique_id: str, fmt: str) -> str:
        """Return the address of the table of controls mapped to a technique."""
        return urls.table_path(urls.technique_path(technique_id), fmt)

    def control_table(self, control: Control, fmt: str) -> str | None:
        """Return the address of a control page's table; only version-free pages have one."""
        if self.control(control) != self.control_free(control):
            return None
        return urls.table_path(self.control_free(control), fmt)

    def previous(self, version: FrameworkVersion) -> FrameworkVersion | None:
        """Return the version before this one, if the data holds one."""
        index = version.framework.versions.index(version)
        return version.framework.versions[index - 1] if index else None

    def changes(self, version: FrameworkVersion) -> str | None:
        """Return the "what changed" page of a version: only versions with a previous one."""
        if self.previous(version) is None:
            return None
        if version.is_newest:
            return urls.changes_path(version.framework.id)
        return urls.changes_path(version.framework.id, version.version)

    def changes_pinned(self, version: FrameworkVersion) -> str:
        return urls.changes_path(version.framework.id, version.version)


def _visible(technique: Technique) -> tuple:
    """What a technique page shows of a release's technique, but for its version stamp."""
    return (
        technique.name,
        technique.description,
        technique.tactics,
        technique.platforms,
        technique.revoked,
        technique.deprecated,
        technique.revoked_by,
        technique.parent_id,
        tuple(technique.subtechniques),
        tuple(technique.mitigations),
    )
