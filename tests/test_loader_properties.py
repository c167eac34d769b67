"""Property-based: whatever a file holds (any YAML structure, any bytes, any encoding), loading it
either succeeds or returns problems placed in a file, never raises anything else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ScratchRepo
from factdesk.problems import FactcheckError
from factdesk.publishing import Publisher, SiteInfo
from factdesk.rendering import Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site

TEXT = "BT applied for a licence in Shanghai. The ministry has not answered yet."
FILES = ["claims/article/c1.yml", "claims/article/c2.yml", "entities/bt.yml", "sources/article.yml", "rating-scale.yml"]
VALID_CLAIM = {
    "id": "c1", "source": "article", "selector": {"exact": "BT applied", "start": 0, "end": 10},
    "claim": "A claim.", "verdict": "accurate", "summary": "S.", "notes": "N.",
    "evidence": [{"url": "https://example.org/", "title": "T", "publisher": "P", "date": "2016-01-01", "shows": "S."}],
    "entities": ["bt"], "reviewed": "2026-11-25", "updated": "2026-11-25", "reviewer": "Desk",
}
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "shift_jis", "koi8-r"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=True),
    st.text(max_size=40), st.sampled_from(["", "TODO", "javascript:alert(1)", "[y](&#106;avascript:x)", "\x1b[2J", "a",
                                           "2016-02-30", "https://example.org/", "accurate", "bt", "article", "c1"]),
)
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=5), st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(sorted(VALID_CLAIM))),
                                                    children, max_size=6)), max_leaves=25)


@st.composite
def mutated_claims(draw) -> dict:
    """A valid claim with one field replaced, removed or added: reaches past the schema into anchoring."""
    claim = json.loads(json.dumps(VALID_CLAIM))
    key = draw(st.sampled_from(sorted(VALID_CLAIM) + ["extra"]))
    action = draw(st.sampled_from(["replace", "remove", "selector"]))
    if action == "remove":
        claim.pop(key, None)
    elif action == "selector":
        claim["selector"] = {"exact": draw(st.text(max_size=30)), "start": draw(st.integers(-3, 90)), "end": draw(st.integers(-3, 90))}
    else:
        claim[key] = draw(values)
    return claim


def _dump(value, draw) -> str:
    style = draw(st.sampled_from([None, '"', "'", "|"]))
    try:
        return yaml.safe_dump(value, allow_unicode=draw(st.booleans()), default_style=style, sort_keys=False)
    except yaml.YAMLError:
        return json.dumps(value, default=str)


@st.composite
def file_contents(draw) -> bytes:
    kind = draw(st.sampled_from(["structure", "mutated claim", "bytes", "text"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "text":
        text = draw(st.text(max_size=200))
    else:
        text = _dump(draw(values) if kind == "structure" else draw(mutated_claims()), draw)
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


def _fresh_repository(folder: Path) -> ScratchRepo:
    repo = ScratchRepo(folder / "repo")
    repo.source("article", TEXT)
    repo.entity("bt", "BT Group", aliases=["British Telecom"])
    repo.claim("c1", "article", "BT applied", 0, 10, entities=["bt"])
    return repo


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(FILES), content=file_contents())
def test_any_file_content_loads_or_gives_problems_never_an_exception(target, content):
    with tempfile.TemporaryDirectory() as folder:
        repo = _fresh_repository(Path(folder))
        repo.write(target, content)
        try:
            model = build_site(load_repository(repo.root))
        except FactcheckError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert (repo.root / problem.path).exists() or problem.path == "rating-scale.yml", problem
                assert problem.line >= 1 and problem.column >= 1 and problem.message
            return
        # What loads also renders.
        Renderer(model, SiteInfo("Site", "https://desk.test/", Publisher("Desk"))).pages()
