"""End-to-end batch benchmark: synthetic lead lists, read -> validate -> score -> write.

Prints rows/s, peak memory (RSS of a fresh process per run) and the ratio to a floor
measured in the same run (see floor_seconds): reading the CSV with pandas, one rapidfuzz
process.cdist of the distinct sector texts against the 18 parks' positioning texts, and
writing a same-shape output (13 columns, dictionary-encoded reasons) with Arrow's CSV writer.
The load average is printed with each line: the machine is shared and figures are noisy.

Run:  .venv/bin/python benchmarks/batch.py [--sizes 10000 100000 1000000] [--parks 18 10000]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher.batch import run_batch  # noqa: E402
from matcher.catalogue import Catalogue, default_catalogue, default_data_dir  # noqa: E402

SECTORS = [
    "集成电路",
    "芯片设计",
    "AI芯片",
    "人工智能",
    "大模型",
    "具身智能",
    "机器人",
    "生物医药",
    "生物制药",
    "医疗器械",
    "细胞与基因治疗",
    "重组蛋白",
    "中试",
    "量子",
    "智能网联汽车",
    "自动驾驶",
    "网络安全",
    "数字经济",
    "软件",
    "金融科技",
    "新材料",
    "智能制造",
    "卫星互联网",
    "低空经济",
    "无人机",
    "信创",
    "算力中心",
    "5G",
    "医养结合",
    "保税研发",
    "AI chips",
    "artificial intelligence",
    "machine learning",
    "biotech",
    "pharmaceutical R&D",
    "medical devices",
    "quantum computing",
    "autonomous vehicles",
    "cyber security",
    "fintech",
    "satellite internet",
    "software",
    "big data",
    "robotics",
    "new materials",
    "data center",
    "CAR-T cell therapy pilot plant",
    "集层电路",
    "artifical inteligence",
    "服装批发",
    "餐饮连锁",
]
TEMPLATES = [
    "{s}",
    "{s}",
    "{s}",
    "我们是一家做{s}的企业",
    "{s}企业寻找研发空间",
    "{s} startup looking for space",
    "{s} company, headquarters",
]
LOCATIONS = [
    "",
    "",
    "",
    "温泉",
    "north",
    "北部",
    "Xibeiwang",
    "学院路",
    "四季青镇",
    "Shangzhuang",
    "near the West 4th Ring",
    "上地",
    "Tsinghua",
    "苏家坨",
    "Shanghai",
]
MALFORMED_AREAS = ["20亩", "lots", "3 hectares", "-500"]


def area_cell(rng: random.Random) -> tuple[str, str]:
    """A (min, max) pair written the way lead lists write areas."""
    value = rng.choice([500, 800, 1000, 1500, 2000, 3000, 5000, 8000, 10000, 20000, 50000, 120000])
    style = rng.randrange(8)
    if style == 0:
        return "", ""
    if style == 1:
        return f"{value / 10000:g}万平方米", ""
    if style == 2:
        return f"{value}-{value * 2}㎡", ""
    if style == 3:
        return f"{value} sqm", f"{value * 3}"
    if style == 4:
        return f"{value:,}平米", ""
    return str(value), ""


def generate(path: Path, rows: int, seed: int = 7, malformed: float = 0.03) -> None:
    """Mixed zh/en requirements; some free-text sentences unique per company; a few bad rows."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["request_id", "company", "sector", "min_area_m2", "max_area_m2", "preferred_location"]
        )
        for i in range(rows):
            sector = rng.choice(TEMPLATES).format(s=rng.choice(SECTORS))
            if rng.random() < 0.02:  # a sentence nobody else wrote
                sector = f"{sector}，公司编号{i}"
            low, high = area_cell(rng)
            if rng.random() < malformed:
                low = rng.choice(MALFORMED_AREAS)
            out.writerow([f"R{i:07d}", f"Company {i}", sector, low, high, rng.choice(LOCATIONS)])


def synthetic_catalogue(parks: int, seed: int = 11) -> Catalogue:
    """The 18 real parks cloned to `parks` with shuffled sector tags and scaled areas.

    Built in memory: a file of made-up parks would (rightly) fail the check against the
    published list that load_catalogue makes.
    """
    base = default_catalogue()
    real = base.parks
    rng = random.Random(seed)
    out = []
    for i in range(parks):
        park = real[i % len(real)]
        donor = real[rng.randrange(len(real))]
        scale = rng.uniform(0.3, 3.0)
        above = park.above_ground_area_m2
        out.append(
            park.model_copy(
                update={
                    "park_id": f"P{i + 1:05d}",
                    "sectors": donor.sectors,
                    "total_area_m2": float(round(park.total_area_m2 * scale)),
                    "above_ground_area_m2": None if above is None else float(round(above * scale)),
                }
            )
        )
    return dataclasses.replace(base, parks=tuple(out))


def floor_seconds(source: Path, output: Path, top_k: int) -> float:
    """The least any batch must do, as the refactoring issue defines it: read the CSV with
    pandas, score each *distinct* sector text against the 18 published parks' positioning
    texts with one rapidfuzz process.cdist, and write an output of the contract's shape (top K
    rows per request, the 13 long columns, two reason strings) with Arrow's CSV writer, the
    reason columns dictionary-encoded (the parks' positioning texts stand in for reasons).

    The floor is the same whatever catalogue the batch is given: it is a fixed yardstick.
    """
    parks = pd.read_csv(default_data_dir() / "parks.csv", dtype=str, keep_default_na=False)
    positioning = parks["positioning_zh"].tolist()
    reason_zh = pa.array(parks["positioning_zh"].tolist(), type=pa.string())
    reason_en = pa.array(parks["positioning_en"].tolist(), type=pa.string())
    park_ids = parks["park_id"].to_numpy(dtype=object)
    names = parks["name_zh"].to_numpy(dtype=object)
    fits = np.array(["strong", "partial", "weak", "none"], dtype=object)
    started = time.perf_counter()
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    codes, distinct = pd.factorize(frame["sector"])
    scores = process.cdist(
        list(distinct), positioning, scorer=fuzz.partial_ratio, workers=1, dtype=np.uint8
    )
    best = np.argsort(-scores.astype(np.int16), axis=1, kind="stable")[:, :top_k]
    park = best[codes].reshape(-1)
    points = np.take_along_axis(scores, best, axis=1)[codes].reshape(-1).astype(np.float64)
    n = len(frame) * top_k
    indices = pa.array(park.astype(np.int32))
    table = pa.table(
        {
            "request_id": pa.array(np.repeat(frame["request_id"].to_numpy(), top_k)),
            "rank": pa.array(np.tile(np.arange(1, top_k + 1), len(frame))),
            "park_id": pa.array(park_ids[park]),
            "park_name_zh": pa.array(names[park]),
            "score": pa.array(points),
            "fit": pa.array(fits[park % 4]),
            "sector_score": pa.array(points / 100),
            "area_score": pa.array(np.ones(n)),
            "location_score": pa.array(np.full(n, np.nan), from_pandas=True),
            "reason_zh": pa.DictionaryArray.from_arrays(indices, reason_zh),
            "reason_en": pa.DictionaryArray.from_arrays(indices, reason_en),
            "status": pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(n, dtype=np.int32)), pa.array(["ok"])
            ),
            "error": pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(n, dtype=np.int32)), pa.array([""])
            ),
        }
    )
    with output.open("wb") as handle:
        handle.write(b"\xef\xbb\xbf")
        pa_csv.write_csv(table, handle, pa_csv.WriteOptions(quoting_style="needed"))
    return time.perf_counter() - started


def child(mode: str, source: Path, parks: int, top_k: int) -> dict[str, float]:
    """One measurement in this (fresh) process, so its peak memory is its own."""
    output = source.with_name(f"{mode}.csv")
    if mode == "floor":
        seconds = floor_seconds(source, output, top_k)
        extra: dict[str, float] = {}
    else:
        catalogue = default_catalogue() if parks == 18 else synthetic_catalogue(parks)
        started = time.perf_counter()
        summary, _ = run_batch(source, output, top_k=top_k, catalogue=catalogue)
        seconds = time.perf_counter() - started
        extra = {"errors": summary.rows_with_errors}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, **extra}


def measure(rows: int, parks: int, top_k: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "leads.csv"
        generate(source, rows)
        results = {}
        for mode in ("batch", "floor"):
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    mode,
                    str(source),
                    str(parks),
                    "--top",
                    str(top_k),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    batch, floor = results["batch"], results["floor"]
    return {
        "rows": rows,
        "parks": parks,
        "seconds": batch["seconds"],
        "rows_per_s": rows / batch["seconds"],
        "floor_s": floor["seconds"],
        "ratio": batch["seconds"] / floor["seconds"],
        "peak_mb": batch["peak_mb"],
        "errors": batch["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--parks", type=int, nargs="+", default=[18, 10_000])
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, source, parks = args.child
        print(json.dumps(child(mode, Path(source), int(parks), args.top)))
        return
    header = (
        "parks",
        "rows",
        "seconds",
        "rows/s",
        "floor s",
        "x floor",
        "peak MB",
        "errors",
        "load",
    )
    print("peak MB: the batch process alone (a fresh process per measurement)")
    print(" ".join(f"{h:>9}" for h in header))
    for parks in args.parks:
        for rows in args.sizes:
            r = measure(rows, parks, args.top)
            print(
                f"{r['parks']:>9} {r['rows']:>9} {r['seconds']:>9.2f} {r['rows_per_s']:>9.0f} "
                f"{r['floor_s']:>9.2f} {r['ratio']:>9.2f} "
                f"{r['peak_mb']:>9.0f} {r['errors']:>9} {os.getloadavg()[0]:>9.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
