#!/usr/bin/env python3
"""Draw the fixed-seed sample of flow findings to judge by hand.

Usage: cargo pii-lint --format json > findings.json   (in the real checkout, with its config)
       python3 bench/real/sample.py findings.json [SIZE] [SEED]

Flow findings are those of the lints that follow data (PII003-PII008). The sample is drawn with a fixed
seed from the findings sorted as the tool prints them, so the same output gives the same sample.
"""
import json
import random
import sys

FLOW_LINTS = {"PII003", "PII004", "PII005", "PII006", "PII007", "PII008"}


def main() -> None:
    path = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 2026
    with open(path, encoding="utf-8") as f:
        findings = [x for x in json.load(f)["findings"] if x["code"] in FLOW_LINTS]
    sample = findings if len(findings) <= size else random.Random(seed).sample(findings, size)
    sample.sort(key=lambda x: (x["file"], x["line"], x["code"]))
    print(f"# {len(sample)} of {len(findings)} flow findings (seed {seed})")
    for x in sample:
        print(f"\n{x['file']}:{x['line']} {x['code']} {x['lint']}: {x['message']}")
        for step in x["trace"]:
            print(f"    {step['file']}:{step['line']} {step['note']}")


if __name__ == "__main__":
    main()
