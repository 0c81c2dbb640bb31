"""Fail `make analyze` on a High or Medium Slither finding that contracts/slither-triage.json does
not list with a reason, and on a triage entry that no longer matches any finding.

A finding is matched by its detector and where it is: the contract and function (signature) of
its first element, e.g. ("divide-before-multiply", "StatisticsRegistry._periodOf(uint64)"), not
by line numbers or Slither's id (which change with every edit above the code)."""

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
    matched: set[tuple[str, str]] = set()
    untriaged: list[str] = []
    counts = {"triaged": 0}
    for finding in (results.get("results") or {}).get("detectors", []):
        if finding["impact"] not in GATED:
            continue
        key = (finding["check"], where(finding["elements"][0]) if finding["elements"] else "?")
        if key in triaged:
            matched.add(key)
            counts["triaged"] += 1
        else:
            untriaged.append(f"[{finding['impact']}] {key[0]} at {key[1]}:\n{finding['description'].rstrip()}")
    stale = [key for key in triaged if key not in matched]
    for text in untriaged:
        print(text, file=sys.stderr)
    for detector, place in stale:
        print(f"{triage_path}: {detector} at {place} matches no finding any more: remove it", file=sys.stderr)
    print(f"slither: {len(untriaged)} untriaged High/Medium finding(s), {counts['triaged']} triaged ({triage_path})")
    return 1 if untriaged or stale else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
