"""Safe rendering: hostile text in audits prints as text and makes the renderer fetch nothing.

A loopback HTTP server counts requests; /etc/passwd (or, where it does not exist, a secret file
written for the test) must not reach the PDF, not even compressed inside an attachment.
"""

from __future__ import annotations

import http.server
import re
import threading
import zlib
from pathlib import Path

import pytest

from gtec_cli.report.fetcher import AssetFetcher, RefusedURL
from gtec_cli.report.render import assets_dir, environment, write_pdf
from gtec_cli.store import Store
from test_report_diagnostic import COMPANIES, PERIOD, build_workspace, pdf_text

PASSWD = Path("/etc/passwd")


@pytest.fixture
def server():
    """A loopback HTTP server recording every request it receives (stopped after the test)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.timeout = 1
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def secret(tmp_path) -> tuple[str, bytes]:
    """A file:// URL of a local secret and a marker of its content."""
    if PASSWD.is_file() and b"root:" in PASSWD.read_bytes():
        return PASSWD.as_uri(), b"root:x:0:0"
    path = tmp_path / "secret.txt"
    path.write_bytes(b"TOP-SECRET-MARKER-4419\n")
    return path.as_uri(), b"TOP-SECRET-MARKER-4419"


def all_streams(pdf: bytes) -> bytes:
    """The PDF's bytes followed by every stream it holds, decompressed where possible."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return b"\n".join(out)


def hostile_strings(base: str, secret_url: str) -> list[str]:
    return [
        f'<img src="{base}/company.png">',
        f'<img src="{secret_url}">',
        f'<a rel="attachment" href="{secret_url}">pièce jointe</a>',
        f'<link rel="stylesheet" href="{base}/evil.css">',
        f"<style>@import url({base}/import.css); body {{ background: url({secret_url}) }}</style>",
        f'<object data="{base}/object"></object><iframe src="{base}/frame"></iframe>',
    ]


def test_hostile_names_comments_and_skills_print_as_text_and_fetch_nothing(tmp_path, server, secret):
    from gtec_cli.report.diagnostic import render_diagnostic

    base, requests = server
    secret_url, marker = secret
    hostile = hostile_strings(base, secret_url)
    companies = [(siret, hostile[i % len(hostile)] if i < 3 else name, *rest)
                 for i, (siret, name, *rest) in enumerate(COMPANIES)]
    sirets = [c[0] for c in companies]
    comments = {(sirets[i], "recrutement"): hostile[(i + 1) % len(hostile)] for i in range(len(hostile))}
    # A skill cited by three companies is named even in the committee edition.
    skills = [(sirets[i], hostile[0], 2) for i in range(3)]
    ws = build_workspace(tmp_path / "ws", companies=companies, comments=comments, skills=skills)
    with Store.open(ws.store_path) as store:
        committee = render_diagnostic(ws, store, period=PERIOD, out=tmp_path / "c.pdf")
        internal = render_diagnostic(ws, store, period=PERIOD, internal=True, out=tmp_path / "i.pdf")
        html = render_diagnostic(ws, store, period=PERIOD, internal=True, fmt="html",
                                 out=tmp_path / "i.html")
    assert requests == []
    for result in (committee, internal):
        raw = result.path.read_bytes()
        assert marker not in all_streams(raw)
        text, _, reader = pdf_text(result.path)
        assert list(reader.attachments) == ["gtec-diagnostic-arr-522-2026-T4.csv"]
        assert result.refused_urls == []  # escaped markup is text: nothing was even attempted
    committee_text, _, _ = pdf_text(committee.path)
    assert f'<img src="{base}/company.png">' in committee_text  # the shared skill, as text
    internal_text, _, _ = pdf_text(internal.path)
    squashed = re.sub(r"[\s\u2010]+", "", internal_text)  # spaces and hyphenation points
    for string in hostile:
        assert re.sub(r"\s+", "", string) in squashed, string
    page = html.path.read_text(encoding="utf-8")
    assert "&lt;img src=&#34;" + base in page and f'<img src="{base}' not in page
    assert f'<a rel="attachment" href="{secret_url}"' not in page


def test_the_fetcher_serves_assets_and_charts_only(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "logo.png").write_bytes(b"\x89PNG fake")
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (assets / "link.txt").symlink_to(outside)
    fetcher = AssetFetcher(assets)
    ok = fetcher.fetch((assets / "logo.png").as_uri())
    assert ok.read() == b"\x89PNG fake" and ok.content_type == "image/png"
    css = AssetFetcher(assets_dir()).fetch((assets_dir() / "report.css").as_uri())
    assert css.content_type == "text/css" and b"@page" in css.read()
    src = fetcher.add_chart("pyramid", b"png-bytes")
    assert src == "gtec-chart:pyramid" and fetcher.fetch(src).read() == b"png-bytes"
    refused = [
        outside.as_uri(),                                  # outside the folder
        (assets / "link.txt").as_uri(),                    # a symlink out of it
        assets.as_uri() + "/../outside.txt",               # traversal
        (assets / "missing.png").as_uri(),
        "file://evil.example/" + str(assets / "logo.png"),  # a remote host in a file URL
        "http://127.0.0.1:9/x", "https://example.org/x", "ftp://example.org/x",
        "data:text/plain;base64,c2VjcmV0", "gtec-chart:unknown", "javascript:alert(1)",
    ]
    for url in refused:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert fetcher.refused == refused


def test_raw_hostile_html_through_weasyprint_is_refused_without_crashing(tmp_path, server, secret):
    """Defence in depth: even markup that escaped templating fetches nothing through our fetcher."""
    base, requests = server
    secret_url, marker = secret
    html = ("<html><head><link rel='stylesheet' href='report.css'>"
            f"<style>@font-face {{ font-family: x; src: url({base}/font.woff) }}"
            f"p {{ background: url({secret_url}) }}</style></head><body><p>Bonjour</p>"
            + "".join(hostile_strings(base, secret_url)) + "</body></html>")
    result = write_pdf(html, tmp_path / "raw.pdf")
    assert requests == []
    assert marker not in all_streams(result.path.read_bytes())
    assert any(u.startswith(base) for u in result.refused)
    assert secret_url in result.refused
    assert any(u.endswith("/report.css") for u in result.served)  # our own style sheet still loads
    text, _, reader = pdf_text(result.path)
    assert "Bonjour" in text and not reader.attachments


def test_templates_escape_everything_and_reject_undefined_names():
    import jinja2

    env = environment()
    assert env.from_string("{{ x }}").render(x='<img src="x">') == "&lt;img src=&#34;x&#34;&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
