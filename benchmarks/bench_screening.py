"""Screening throughput and accuracy: netvet's matcher against nomenklatura's default one.

Lists: the real OFAC SDN snapshot (../shared/data/ofac: sdn.csv, alt.csv, add.csv) plus netvet's shipped
lists (about 17,000 names with aliases); then the same padded to 100,000 names with synthetic entries
built from the real entries' own words (same kinds, same name shapes), to show how cost grows.

Queries: distinct names in an inventory's style, none repeated (caches do not help): a share are
perturbed list names (case, legal suffix, one typo, word order), the rest clean company names.

Both matchers run behind the same candidate index (the same blocking, the same candidates); only the
scoring differs. nomenklatura scores FollowTheMoney entities with its `DefaultAlgorithm`. Throughput is
names per CPU second of this single-threaded process (one core); wall-clock figures are printed too.

Accuracy: the tuning set (tests/data/screening/eval_pairs.csv) and, per category, the real-world set
written before tuning (tests/data/screening/eval_realworld.csv), both matchers in the same run.

Command line: `netvet screen-name` start-up on a warm cache (a second and third run against the same
NETVET_HOME), and `netvet screen-file` on 50,000 names with its peak memory (the child's max RSS).

Run: .venv/bin/python benchmarks/bench_screening.py [--queries 10000] [--nk-queries 600] [--file-names 50000]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from importlib.metadata import version
from pathlib import Path

from followthemoney import EntityProxy, model
from nomenklatura.matching import DefaultAlgorithm

from netvet.model.screening import ScreeningStatus
from netvet.screening import NameScreening, Screener, ScreeningResult, shipped_lists
from netvet.screening.evaluation import LabelledName, evaluate, read_labelled
from netvet.screening.lists import ListEntry, all_entries
from netvet.screening.loaders import read_ofac_csv
from netvet.screening.matcher import Comparison
from netvet.screening.normalize import NameForm

ROOT = Path(__file__).resolve().parent.parent
OFAC_DIR = ROOT.parent / "shared" / "data" / "ofac"
EVAL_SET = ROOT / "tests" / "data" / "screening" / "eval_pairs.csv"
REALWORLD_SET = ROOT / "tests" / "data" / "screening" / "eval_realworld.csv"
NETVET = Path(sys.executable).with_name("netvet")
SUFFIXES = ["LTD", "LLC", "CO., LTD.", "S.A.", "GMBH", "INC.", "JSC", "FZE", "LIMITED", "CORPORATION"]
CLEAN_WORDS = [
    "Networks",
    "Telecom",
    "Fiber",
    "Solutions",
    "Systems",
    "Communications",
    "Wireless",
    "Radio",
    "Towers",
    "Microwave",
    "Optical",
    "Services",
    "Engineering",
    "Infrastructure",
    "Cables",
    "Power",
    "Data",
    "Cloud",
    "Satellite",
    "Broadband",
    "Electronics",
    "Components",
    "Antennas",
    "Photonics",
    "Software",
]
CLEAN_SUFFIXES = ["GmbH", "Ltd", "Inc.", "AB", "S.p.A.", "Oy", "B.V.", "S.A.", "LLC", "plc", "AG", "K.K.", ""]
SYLLABLES = [
    "vor",
    "nex",
    "tal",
    "qui",
    "ron",
    "sel",
    "mar",
    "dex",
    "lin",
    "cor",
    "vel",
    "tra",
    "nor",
    "ka",
    "zen",
    "mo",
    "ri",
    "sta",
    "pho",
    "bel",
    "gar",
    "lum",
    "ora",
    "tex",
    "via",
    "ser",
    "don",
    "kel",
]


def load_real_entries() -> list[ListEntry]:
    ofac = read_ofac_csv(
        (OFAC_DIR / "sdn.csv").read_bytes(),
        "sdn.csv",
        alt=(OFAC_DIR / "alt.csv").read_bytes(),
        add=(OFAC_DIR / "add.csv").read_bytes(),
    )
    return [*ofac.entries, *all_entries(shipped_lists())]


def name_count(entries: Sequence[ListEntry]) -> int:
    return sum(len(e.names) for e in entries if e.is_active)


def pad(entries: list[ListEntry], target: int, rng: random.Random) -> list[ListEntry]:
    """Synthetic entries in the real ones' style: each borrows the shape (word count, kind, alias count)
    of a real entry and fills it with words drawn from real names of the same kind."""
    words: dict[str, list[str]] = {}
    for e in entries:
        for name in e.names:
            words.setdefault(e.kind, []).extend(name.replace(",", " ").split())
    padded = list(entries)
    count = name_count(entries)
    number = 0
    while count < target:
        model_entry = rng.choice(entries)
        pool = words[model_entry.kind]
        names = [" ".join(rng.choice(pool) for _ in shape.split()[:6]) for shape in model_entry.names[:4]]
        number += 1
        padded.append(
            ListEntry(
                entity_id=f"synthetic-{number}",
                list_id="synthetic",
                name=names[0],
                kind=model_entry.kind,
                aliases=tuple(names[1:]),
                source="synthetic padding",
            )
        )
        count += len(set(names))
    return padded


def perturb(name: str, rng: random.Random) -> str:
    words = name.replace(",", " ").split()
    action = rng.randrange(5)
    if action == 0:
        return name.lower()
    if action == 1:
        return f"{name} {rng.choice(SUFFIXES)}"
    if action == 2 and words:
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[longest]
        if len(word) > 4:
            k = rng.randrange(1, len(word) - 2)
            words[longest] = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        return " ".join(words)
    if action == 3 and len(words) > 1:
        words[0], words[1] = words[1], words[0]
        return " ".join(words)
    return name.title()


def clean_name(rng: random.Random) -> str:
    brand = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    body = " ".join(rng.sample(CLEAN_WORDS, rng.randint(0, 2)))
    return " ".join(p for p in (brand, body, rng.choice(CLEAN_SUFFIXES)) if p)


def queries(entries: Sequence[ListEntry], count: int, listed_share: float, rng: random.Random) -> list[str]:
    names = [n for e in entries if e.is_active for n in e.names]
    out: dict[str, None] = {}
    while len(out) < count:
        q = perturb(rng.choice(names), rng) if rng.random() < listed_share else clean_name(rng)
        out[q] = None
    return list(out)


class NomenklaturaMatcher:
    """nomenklatura's DefaultAlgorithm behind netvet's matcher interface (same blocking, same candidates)."""

    name = f"nomenklatura-{DefaultAlgorithm.NAME}"

    def __init__(self) -> None:
        self.config = DefaultAlgorithm.default_config()
        self._entities: dict[tuple[str, str], EntityProxy] = {}

    def _entity(self, schema: str, name: str) -> EntityProxy:
        key = (schema, name)
        entity = self._entities.get(key)
        if entity is None:
            entity = model.make_entity(schema)
            entity.id = f"e{len(self._entities)}"
            entity.add("name", name)
            self._entities[key] = entity
        return entity

    def compare(self, query: NameForm, candidate: NameForm) -> Comparison:
        result = DefaultAlgorithm.compare(
            self._entity("LegalEntity", query.original),
            self._entity("LegalEntity", candidate.original),
            self.config,
        )
        return Comparison(score=float(result.score), query=query, candidate=candidate)


@dataclass
class Run:
    label: str
    matcher: str
    names: int
    cpu: float
    wall: float
    flagged: int

    @property
    def rate(self) -> float:
        return self.names / self.cpu


def run(label: str, screener: Screener, names: Sequence[str]) -> Run:
    flagged = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for name in names:
        flagged += screener.screen(name).status is not ScreeningStatus.CLEAR
    return Run(
        label,
        screener.matcher.name,
        len(names),
        time.process_time() - cpu,
        time.perf_counter() - wall,
        flagged,
    )


def timed(build: Callable[[], Screener]) -> tuple[Screener, float]:
    start = time.perf_counter()
    screener = build()
    return screener, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--nk-queries", type=int, default=600)
    parser.add_argument("--listed-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--file-names", type=int, default=50_000)
    parser.add_argument("--command-line-only", action="store_true", help="Only the command-line timings.")
    args = parser.parse_args()
    if not OFAC_DIR.exists():
        print(f"{OFAC_DIR} not found: the benchmark needs ../shared/data/ofac", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    real = load_real_entries()
    if args.command_line_only:
        print_command_line(real, args.file_names, rng)
        return 0
    padded = pad(real, 100_000, rng)
    labelled = read_labelled(EVAL_SET.read_text(encoding="utf-8"))

    print(
        "versions: "
        + ", ".join(
            f"{p} {version(p)}"
            for p in ("rigour", "normality", "followthemoney", "rapidfuzz", "nomenklatura")
        )
        + f", python {platform.python_version()}"
    )
    rows: list[tuple[str, ...]] = []
    accuracy: list[tuple[str, ...]] = []
    for label, entries in (("OFAC SDN + shipped", real), ("padded to 100k", padded)):
        screener, build = timed(partial(Screener, entries))
        names = queries(entries, args.queries, args.listed_share, rng)
        ours = run(label, screener, names)
        rows.append(
            (
                label,
                f"{name_count(entries):,}",
                f"{screener.name_count:,}",
                f"{build:.1f}",
                ours.matcher,
                f"{ours.rate:,.0f}",
                f"{ours.names / ours.wall:,.0f}",
                f"{ours.flagged / ours.names:.1%}",
            )
        )
        nk = Screener(entries, matcher=NomenklaturaMatcher(), normalizer=screener.normalizer)
        nk.index = screener.index  # the very same candidate index
        theirs = run(label, nk, names[: args.nk_queries])
        rows.append(
            (
                label,
                "",
                "",
                "",
                theirs.matcher,
                f"{theirs.rate:,.0f}",
                f"{theirs.names / theirs.wall:,.0f}",
                f"{theirs.flagged / theirs.names:.1%}",
            )
        )
        rows.append((label, "", "", "", "speed-up", f"{ours.rate / theirs.rate:.1f}x", "", ""))
        if label.startswith("OFAC"):
            # nomenklatura's scores are calibrated differently: also flag its results from 0.5 up.
            low = replace(screener.config, review_threshold=0.5, match_threshold=0.7)
            nk_low = Screener(entries, matcher=nk.matcher, normalizer=screener.normalizer, config=low)
            nk_low.index = screener.index
            for matcher_screener in (screener, nk, nk_low):
                result = evaluate(matcher_screener, labelled)
                threshold = matcher_screener.config.review_threshold
                accuracy.append(
                    (
                        f"{matcher_screener.matcher.name} (flagged from {threshold})",
                        f"{result.precision:.3f}",
                        f"{result.recall:.3f}",
                        f"{result.true_positives}/{result.false_positives}/{result.false_negatives}/{result.true_negatives}",
                    )
                )
    header = (
        "lists",
        "names",
        "indexed forms",
        "build s",
        "matcher",
        "names/s (CPU)",
        "names/s (wall)",
        "flagged",
    )
    print_table(header, rows)
    print(
        f"\nevaluation set: {len(labelled)} labelled names ({EVAL_SET.relative_to(ROOT)}), screened against "
        "OFAC SDN + shipped lists with the same candidates; flagged = score at or above the threshold shown"
    )
    print_table(("matcher", "precision", "recall", "tp/fp/fn/tn"), accuracy)
    print_realworld(real)
    print_synthetic_rates(real, rng)
    print_command_line(real, args.file_names, rng)
    return 0


def print_realworld(entries: Sequence[ListEntry]) -> None:
    """Precision and recall per category on the real-world set, netvet and nomenklatura in one run, both
    against OFAC SDN + shipped lists with the same candidates."""
    labelled = read_labelled(REALWORLD_SET.read_text(encoding="utf-8"))
    ours = Screener(entries)
    nomenklatura = NomenklaturaMatcher()
    categories: dict[str, list[LabelledName]] = defaultdict(list)
    for item in labelled:
        categories[item.category].append(item)
    rows = []
    for category, items in [("all", labelled), *sorted(categories.items())]:
        cells = [category, str(sum(i.listed for i in items)), str(sum(not i.listed for i in items))]
        runs = [evaluate(ours, items)]
        runs.extend(
            evaluate(ours, items, screen=partial(matcher_alone, ours, nomenklatura, threshold))
            for threshold in (0.7, 0.5)
        )
        cells.extend(f"{r.precision:.3f} / {r.recall:.3f}" for r in runs)
        rows.append(tuple(cells))
    print(
        f"\nreal-world set: {len(labelled)} names ({REALWORLD_SET.relative_to(ROOT)}), written before tuning; "
        "precision / recall against OFAC SDN + shipped lists"
    )
    print_table(
        (
            "category",
            "listed",
            "not listed",
            "netvet",
            "nomenklatura alone (0.7)",
            "nomenklatura alone (0.5)",
        ),
        rows,
    )
    misses = evaluate(ours, labelled)
    print(f"netvet misses: {misses.misses}; false alarms: {misses.false_alarms}")


@dataclass
class CliRun:
    wall: float
    cpu: float
    peak_mib: float
    code: int
    output: str


def matcher_alone(
    screener: Screener, matcher: NomenklaturaMatcher, threshold: float, name: str
) -> NameScreening:
    """A matcher on its own over netvet's candidates (the same index, brands and other-script names
    included): none of the screener's readings (products, location tails, the entity's own words)."""
    query = screener.normalizer(name)
    results = []
    for form_id, form in screener.candidates(query):
        score = matcher.compare(query, form).score
        if score >= threshold:
            results.extend(
                ScreeningResult.model_construct(entity_id=entity, score=score, status=ScreeningStatus.REVIEW)
                for entity in screener.entities_of(form_id)
            )
    status = ScreeningStatus.REVIEW if results else ScreeningStatus.CLEAR
    return NameScreening.model_construct(
        name=name, normalised=query.text, status=status, results=tuple(results)
    )


def _run_cli(args: Sequence[str], home: str) -> CliRun:
    """Run `netvet ARGS` under GNU time, which reports the command's own CPU time and peak RSS (a
    forked child's ru_maxrss would include this big benchmark process's memory)."""
    env = os.environ | {"NETVET_HOME": home, "COLUMNS": "200"}
    report = Path(home) / "time.txt"
    command = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(report), str(NETVET), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall, user, system, peak_kib = report.read_text(encoding="utf-8").split()[-4:]
    return CliRun(
        float(wall),
        float(user) + float(system),
        int(peak_kib) / 1024,
        done.returncode,
        done.stdout + done.stderr,
    )


def print_command_line(entries: Sequence[ListEntry], file_names: int, rng: random.Random) -> None:
    """`screen-file` on many names with its peak memory, and `screen-name` start-up, cold then warm."""
    rows = []
    with tempfile.TemporaryDirectory() as home:
        path = Path(home) / "names.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name"])
            for name in queries(entries, file_names, 0.3, rng):
                writer.writerow([name])
        run = _run_cli(
            ["screen-file", str(path), "--column", "name", "--json", str(Path(home) / "out.json")], home
        )
        rows.append(
            (
                f"screen-file, {file_names:,} names (JSON out)",
                f"{run.wall:.1f}",
                f"{run.cpu:.1f}",
                f"{run.peak_mib:.0f} MiB",
                str(run.code),
            )
        )
        if run.code != 0:
            print(run.output[-2000:])
    with tempfile.TemporaryDirectory() as home:
        for label in ("first run (creates the database)", "warm", "warm", "warm"):
            run = _run_cli(["screen-name", "Huawei NE40E-X8"], home)
            rows.append(
                (
                    f"screen-name, {label}",
                    f"{run.wall:.2f}",
                    f"{run.cpu:.2f}",
                    f"{run.peak_mib:.0f} MiB",
                    str(run.code),
                )
            )
    print("\ncommand line (shipped lists only: a fresh NETVET_HOME; wall and CPU seconds of the command)")
    print_table(("command", "wall s", "CPU s", "peak RSS", "exit"), rows)


def print_synthetic_rates(entries: Sequence[ListEntry], rng: random.Random, count: int = 2000) -> None:
    """A rougher check on many more names than the labelled set: perturbed list names should be
    flagged, invented clean company names should not (a few may by chance resemble a listed name)."""
    screener = Screener(entries)
    perturbed = queries(entries, count, 1.0, rng)
    clean = queries(entries, count, 0.0, rng)
    hit = sum(screener.screen(n).status is not ScreeningStatus.CLEAR for n in perturbed)
    false = sum(screener.screen(n).status is not ScreeningStatus.CLEAR for n in clean)
    print(
        f"\nsynthetic names against OFAC SDN + shipped: {hit / count:.1%} of {count} perturbed list names "
        f"flagged; {false / count:.1%} of {count} invented clean company names flagged"
    )


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
