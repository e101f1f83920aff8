"""The zip of the whole site for offline readers."""

from __future__ import annotations

import zipfile

from attack_mappings.sitezip import zip_site


def make_site(root):
    (root / "techniques").mkdir(parents=True)
    (root / "index.html").write_text("<h1>home</h1>")
    (root / "techniques" / "T1550.001.html").write_text("<h1>T1550.001</h1>")
    (root / "downloads").mkdir()
    (root / "downloads" / "site.zip").write_bytes(b"left from an earlier build")
    return root


def test_zip_holds_every_file_under_one_folder_but_not_itself(tmp_path):
    site = make_site(tmp_path / "site")
    target = site / "downloads" / "site.zip"
    assert zip_site(site, target, "mappings") == 2
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == [
            "mappings/index.html",
            "mappings/techniques/T1550.001.html",
        ]
        assert archive.read("mappings/index.html") == b"<h1>home</h1>"
    assert not list(site.rglob("*.part"))


def test_same_site_gives_the_same_zip(tmp_path):
    site = make_site(tmp_path / "site")
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    zip_site(site, first, "site")
    (site / "index.html").touch()  # a newer file time changes nothing
    zip_site(site, second, "site")
    assert first.read_bytes() == second.read_bytes()


def test_the_preview_server_offers_a_zip_that_says_where_the_real_one_is():
    import io

    from attack_mappings.sitezip import PREVIEW_NOTE, preview_zip

    with zipfile.ZipFile(io.BytesIO(preview_zip("site"))) as archive:
        assert archive.namelist() == ["site/README.txt"]
        assert archive.read("site/README.txt").decode() == PREVIEW_NOTE
    assert "mkdocs build" in PREVIEW_NOTE
