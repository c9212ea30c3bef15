#!/usr/bin/env python3
"""Runs every decision case in conformance/cases/decide/*.yaml through the real `opa eval`.

Each case's input goes to `opa eval -d policies/aegis -I 'data.aegis.decide.decision'` on stdin;
the decision must match `want` (outcome and reason exactly, constraints exactly when given).
Also checks the file format (see conformance/cases/decide/README.md). Needs Python 3.11+ and
PyYAML. Usage: policies/cases_test.py [--opa PATH] [CASE_DIR]
"""
import argparse
import concurrent.futures
import json
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILE_KEYS = {"name", "version", "description", "manifests", "cases"}
CASE_KEYS = {"id", "note", "input", "want"}
OPTIONAL_CASE_KEYS = {"req_id"}
WANT_KEYS = {"outcome", "reason", "constraints"}
OUTCOMES = {"allow", "deny", "require_approval"}


def load_cases(case_dir):
    """Yields (file, case id, resolved input, want); raises ValueError on a malformed file."""
    names, ids = set(), set()
    files = sorted(case_dir.glob("*.yaml"))
    if not files:
        raise ValueError(f"{case_dir}: no *.yaml case files")
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        if not isinstance(doc, dict) or not FILE_KEYS >= doc.keys() or "name" not in doc or "cases" not in doc:
            raise ValueError(f"{where}: expected a mapping with name and cases (allowed keys: {sorted(FILE_KEYS)})")
        if doc["name"] in names:
            raise ValueError(f"{where}: duplicate file name {doc['name']!r}")
        names.add(doc["name"])
        manifests = doc.get("manifests") or {}
        for case in doc["cases"]:
            if not isinstance(case, dict) or not CASE_KEYS <= case.keys() <= CASE_KEYS | OPTIONAL_CASE_KEYS:
                raise ValueError(f"{where}: case {case.get('id') if isinstance(case, dict) else case!r}: keys must be {sorted(CASE_KEYS)}, optionally {sorted(OPTIONAL_CASE_KEYS)}")
            cid, want, doc_input = case["id"], case["want"], case["input"]
            if cid in ids:
                raise ValueError(f"{where}: duplicate case id {cid}")
            ids.add(cid)
            if not isinstance(case["note"], str) or not case["note"].strip():
                raise ValueError(f"{where}: {cid}: empty note")
            if not isinstance(want, dict) or not WANT_KEYS >= want.keys() or want.get("outcome") not in OUTCOMES or not isinstance(want.get("reason"), str):
                raise ValueError(f"{where}: {cid}: want needs outcome in {sorted(OUTCOMES)} and a reason")
            if isinstance(doc_input, dict) and isinstance(doc_input.get("manifest"), str):
                name = doc_input["manifest"]
                if name not in manifests:
                    raise ValueError(f"{where}: {cid}: unknown manifest {name!r}")
                doc_input = dict(doc_input, manifest=manifests[name])
            yield where, cid, doc_input, want


def evaluate(opa, doc_input):
    """The decision `opa eval` returns for one input document."""
    run = subprocess.run(
        [opa, "eval", "-d", str(ROOT / "policies" / "aegis"), "-I", "data.aegis.decide.decision", "--format", "json"],
        input=json.dumps(doc_input), capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(f"opa eval exited {run.returncode}: {run.stderr.strip()}")
    result = json.loads(run.stdout).get("result")
    if not result:
        return None
    return result[0]["expressions"][0]["value"]


def mismatch(want, got):
    """Why got does not satisfy want, or None."""
    if not isinstance(got, dict):
        return f"decision is {json.dumps(got)}"
    for key in ("outcome", "reason"):
        if got.get(key) != want[key]:
            return f"{key}: want {want[key]!r}, got {got.get(key)!r}"
    if "constraints" in want and got.get("constraints") != want["constraints"]:
        return f"constraints: want {json.dumps(want['constraints'], sort_keys=True)}, got {json.dumps(got.get('constraints'), sort_keys=True)}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opa", default="opa")
    parser.add_argument("case_dir", nargs="?", default=str(ROOT / "conformance" / "cases" / "decide"))
    args = parser.parse_args()
    try:
        cases = list(load_cases(pathlib.Path(args.case_dir).resolve()))
    except (ValueError, yaml.YAMLError) as e:
        print(f"cases: malformed case file: {e}", file=sys.stderr)
        return 2
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        decisions = list(pool.map(lambda c: evaluate(args.opa, c[2]), cases))
    failed = 0
    per_file = {}
    for (where, cid, _, want), got in zip(cases, decisions):
        per_file[where] = per_file.get(where, 0) + 1
        why = mismatch(want, got)
        if why:
            failed += 1
            print(f"FAIL {cid} ({where}): {why}; decision {json.dumps(got, sort_keys=True)}")
    for where, n in sorted(per_file.items()):
        print(f"  {n:4d}  {where}")
    print(f"cases: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
