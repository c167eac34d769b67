"""A synthetic fact-check repository, deterministic from a seed, for benchmarks and stress tests.

N sources × M claims, with entities, nested and overlapping spans, repeated phrases
(told apart by prefix and suffix), and text in several scripts, right-to-left and
emoji included.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = {
    "latin": "le la les un une des opérateur licence réseau service entreprise marché chiffre rapport année "
             "the a of licence network company market figure report year growth price".split(),
    "cyrillic": "оператор лицензия сеть услуга компания рынок отчёт год".split(),
    "greek": "δίκτυο άδεια εταιρεία αγορά έκθεση έτος".split(),
    "arabic": "شبكة ترخيص شركة سوق تقرير سنة".split(),
    "cjk": "运营商 许可证 网络 服务 公司 市场 报告".split(),
    "other": ["e\u0301tude", "na\u0308ive", "😀", "🇬🇧", "x\u00a0y", "l’État", "«\u00a0citation\u00a0»"],
}
REPEATED = "the same phrase occurs here"


def _sentence(rng: random.Random, entity_names: list[str]) -> str:
    script = rng.choice(list(WORDS))
    words = [rng.choice(WORDS[script]) for _ in range(rng.randint(6, 14))]
    if entity_names and rng.random() < 0.6:
        words.insert(rng.randrange(len(words)), rng.choice(entity_names))
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + "."


def _text(rng: random.Random, sentences_needed: int, entity_names: list[str]) -> str:
    paragraphs, current = [], []
    for index in range(sentences_needed):
        current.append(_sentence(rng, entity_names))
        if index % 7 == 3:
            current.append(f"Indeed {REPEATED} again.")
        if len(current) >= rng.randint(3, 6):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _q(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _claim_yaml(claim_id: str, source_id: str, text: str, start: int, end: int, verdict: str, entities: list[str]) -> str:
    # Two searches: the desk's standards (which every build checks) ask at least that of an unverifiable claim.
    evidence = ("searched:\n  - Synthetic archive search\n  - Synthetic registry search\n" if verdict == "unverifiable" else
                "evidence:\n  - url: https://example.org/evidence/" + claim_id + "\n    title: Synthetic evidence\n"
                "    publisher: Example\n    date: 2016-05-05\n    shows: What the evidence shows.\n")
    return (
        f"id: {claim_id}\nsource: {source_id}\nselector:\n"
        f"  exact: {_q(text[start:end])}\n  prefix: {_q(text[max(0, start - 32):start])}\n"
        f"  suffix: {_q(text[end:end + 32])}\n  start: {start}\n  end: {end}\n"
        f"claim: {_q('Synthetic claim ' + claim_id + '.')}\ntranslation: Synthetic translation.\n"
        f"verdict: {verdict}\nsummary: Why this verdict, in one sentence.\n"
        f"notes: |\n  Notes with **Markdown**, a [link](https://example.org/) and arithmetic: 18.909 × 9.54 = 180.4.\n"
        f"{evidence}entities: [{', '.join(entities)}]\nreviewed: 2026-11-25\nupdated: 2026-11-25\nreviewer: Desk\n"
    )


def _spans(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """Sentence spans, then spans nested in them and spans crossing their ends."""
    sentences, position = [], 0
    for piece in text.replace("\n\n", " \n").split(". "):
        start = text.find(piece, position)
        end = start + len(piece)
        if end - start > 12:
            sentences.append((start, end))
        position = end
    spans: list[tuple[int, int]] = []
    while len(spans) < count:
        start, end = rng.choice(sentences)
        kind = len(spans) % 3
        if kind == 1:  # nested
            inner_start = rng.randint(start, (start + end) // 2)
            start, end = inner_start, rng.randint(inner_start + 3, end)
        elif kind == 2:  # crossing the end of the sentence
            start = rng.randint(start, end - 3)
            end = min(len(text), end + rng.randint(2, 30))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= 3:
            spans.append((start, end))
    return spans


def generate(target: Path, sources: int, claims_per_source: int, seed: int = 1, entities: int = 60) -> Path:
    """Write a complete repository (files, schemas, docs, site.yml, mkdocs.yml using this project's hook) into `target`."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    for folder in ("sources", "claims", "entities", "docs"):
        (target / folder).mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", target / "schemas")
    shutil.copy(ROOT / "rating-scale.yml", target / "rating-scale.yml")
    shutil.copytree(ROOT / "docs", target / "docs", dirs_exist_ok=True)
    # The theme's overrides inside the repository: a build refuses a folder outside it.
    shutil.copytree(ROOT / "overrides", target / "overrides")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - hooks/factcheck_hook.py", f"  - {ROOT / 'hooks' / 'factcheck_hook.py'}")
    (target / "site.yml").write_text("name: Synthetic site\nlanguage: en\npublisher:\n  name: Bench desk\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")

    verdicts = ["accurate", "mostly-accurate", "misleading", "inaccurate", "unverifiable"]
    names = []
    for index in range(entities):
        script = list(WORDS)[index % len(WORDS)]
        name = f"Entity{index} {rng.choice(WORDS[script])}"
        names.append(name)
        (target / "entities" / f"entity-{index}.yml").write_text(
            f"id: entity-{index}\nname: {_q(name)}\ntype: organisation\ndescription: Synthetic entity {index}.\n"
            f"aliases: [{_q(f'E{index}x')}]\n", encoding="utf-8")
    for s in range(sources):
        source_id = f"source-{s:04d}"
        text = _text(rng, max(8, claims_per_source // 2), names)
        (target / "sources" / f"{source_id}.txt").write_bytes(text.encode("utf-8"))
        (target / "sources" / f"{source_id}.yml").write_text(
            f"id: {source_id}\ntitle: Synthetic source {s}\nlanguage: fr\npublisher: Example\n"
            f"url: https://example.org/{source_id}\npublished: 2016-05-31\n"
            f"sha256: {hashlib.sha256(text.encode('utf-8')).hexdigest()}\n", encoding="utf-8")
        folder = target / "claims" / source_id
        folder.mkdir()
        spans = _spans(rng, text, claims_per_source)
        repeated = text.find(REPEATED, text.find(REPEATED) + 1)
        if repeated > 0:  # a quote that occurs several times, anchored by its context
            spans[0] = (repeated, repeated + len(REPEATED))
        for c, (start, end) in enumerate(spans):
            claim_id = f"{source_id}-claim-{c:03d}"
            linked = [f"entity-{i}" for i in sorted(rng.sample(range(entities), 2))]
            (folder / f"{claim_id}.yml").write_text(
                _claim_yaml(claim_id, source_id, text, start, end, verdicts[c % len(verdicts)], linked), encoding="utf-8")
    return target


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic fact-check repository.")
    parser.add_argument("target", type=Path)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--claims", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.target, args.sources, args.claims, args.seed)
