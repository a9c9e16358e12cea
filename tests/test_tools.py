"""The reader tests skip without their tools on a developer's machine, and fail under CI=true."""

from __future__ import annotations

import pytest
import tools


@pytest.fixture
def no_tools(monkeypatch, tmp_path):
    monkeypatch.setattr(tools, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("VNU_JAR", str(tmp_path / "no-vnu.jar"))


@pytest.mark.parametrize("find", [tools.chromium_path, tools.vnu_command], ids=["chromium", "vnu"])
def test_missing_tool_skips_with_the_reason(no_tools, monkeypatch, find):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is missing"):
        find()


@pytest.mark.parametrize("find", [tools.chromium_path, tools.vnu_command], ids=["chromium", "vnu"])
def test_missing_tool_fails_under_ci(no_tools, monkeypatch, find):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true and .* is missing"):
        find()


def test_served_folder_answers_over_http(tmp_path):
    from urllib.request import urlopen

    (tmp_path / "page.html").write_text("<p>hello</p>")
    with tools.serve(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        assert urlopen(url + "page.html").read() == b"<p>hello</p>"


def test_served_folder_answers_on_the_port_asked_for(tmp_path):
    from urllib.request import urlopen

    (tmp_path / "page.html").write_text("<p>here</p>")
    port = tools.free_port()
    with tools.serve(tmp_path, port) as url:
        assert url == f"http://127.0.0.1:{port}/"
        assert urlopen(url + "page.html").read() == b"<p>here</p>"
