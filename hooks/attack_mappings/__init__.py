"""Generate a site of security-control-to-ATT&CK mappings from YAML mapping sets and STIX.

The package knows nothing of MkDocs: ``hooks/mkdocs_hooks.py`` adapts it. Pipeline:
``model.build_catalog`` (load and cross-reference) -> ``generate.generate_site``
(pages, redirects, downloads) -> the site tool writes them.
"""
