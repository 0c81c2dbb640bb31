"""Fail `make analyze` on a High or Medium Slither finding that contracts/slither-triage.json does
not list with a reason, and on a triage entry that no longer matches any finding.

A finding is matched by its detector and where it is: the contract and function (signature) of
its first element, e.g. ("divide-before-multiply", "StatisticsRegistry._periodOf(uint64)"), not
by line numbers or Slither's id (which change with every edit above the code). Each entry says how
many findings it covers (`count`): one more of the same detector in the same function is a new
finding, and fails; fewer means the entry is out of date, and fails too."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

GATED = {"High", "Medium"}


def where(element: dict[str, Any]) -> str:
    """Contract.function(signature) of a Slither result element (a function, variable or node)."""
    fields = element.get("type_specific_fields") or {}
    if element.get("type") == "function":
        contract = (fields.get("parent") or {}).get("name", "?")
        return f"{contract}.{fields.get('signature', element.get('name'))}"
    parent = fields.get("parent")
    if isinstance(parent, dict) and parent.get("type") in ("function", "contract"):
        return where(parent) if parent.get("type") == "function" else str(parent.get("name"))
    return str(element.get("name"))


def main(results_path: str, triage_path: str) -> int:
    if not Path(results_path).is_file():
        print(f"slither wrote no {results_path}: see slither.log beside it", file=sys.stderr)
        return 2
    results = json.loads(Path(results_path).read_text())
    if not results.get("success"):
        print(f"slither failed: {results.get('error')}", file=sys.stderr)
        return 2
    triage = json.loads(Path(triage_path).read_text())["findings"]
    triaged = {(t["detector"], t["where"]): t for t in triage}
    for t in triage:
        if not t.get("reason", "").strip():
            print(f"{triage_path}: {t['detector']} at {t['where']} has no reason", file=sys.stderr)
            return 1
        if not isinstance(t.get("count"), int) or t["count"] < 1:
            print(f"{triage_path}: {t['detector']} at {t['where']} needs a count (findings it covers)", file=sys.stderr)
            return 1
    found: dict[tuple[str, str], list[str]] = {}
    untriaged: list[str] = []
    for finding in (results.get("results") or {}).get("detectors", []):
        if finding["impact"] not in GATED:
            continue
        key = (finding["check"], where(finding["elements"][0]) if finding["elements"] else "?")
        text = f"[{finding['impact']}] {key[0]} at {key[1]}:\n{finding['description'].rstrip()}"
        if key in triaged:
            found.setdefault(key, []).append(text)
        else:
            untriaged.append(text)
    wrong: list[str] = []
    for key, entry in triaged.items():
        seen = found.get(key, [])
        if not seen:
            wrong.append(f"{triage_path}: {key[0]} at {key[1]} matches no finding any more: remove it")
        elif len(seen) > entry["count"]:
            untriaged += seen  # which of them is new, a reader decides: all are shown
            wrong.append(f"{triage_path}: {key[0]} at {key[1]} has {len(seen)} findings, {entry['count']} triaged")
        elif len(seen) < entry["count"]:
            wrong.append(f"{triage_path}: {key[0]} at {key[1]} has {len(seen)} findings now: set count to it")
    for text in [*untriaged, *wrong]:
        print(text, file=sys.stderr)
    triaged_count = sum(len(v) for k, v in found.items() if len(v) <= triaged[k]["count"])
    print(f"slither: {len(untriaged)} untriaged High/Medium finding(s), {triaged_count} triaged ({triage_path})")
    return 1 if untriaged or wrong else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
