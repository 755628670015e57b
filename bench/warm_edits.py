"""Random function edits on a real checkout, each checked by `examples/warm_equals_cold.rs`: a language
server's analysis after the edit must equal a fresh run. Picks a Rust file at random, a function in it,
and renames it, gives it a parameter, changes its visibility or inserts a function before it; prints, per
edit, how many evaluations the server took from the analysis before and whether the outputs are the same.
The file is put back after each edit. Exits non-zero if any edit gave other findings.

    cargo build --release --example warm_equals_cold
    python3 bench/warm_edits.py [--cli] <checkout> [seed] [edits]

With `--cli`, the runs are the CLI's with its on-disk cache instead of a language server's.
"""

import pathlib
import random
import re
import subprocess
import sys

FUNCTION = re.compile(r"^(\s*)(pub(?:\([^)]*\))? )?(async )?fn (\w+)\(", re.M)
BINARY = pathlib.Path(__file__).resolve().parent.parent / "target/release/examples/warm_equals_cold"


def edited(whole, indent, visibility, name, kind):
    if kind == "rename":
        return whole.replace(f"fn {name}(", f"fn {name}_x(")
    if kind == "insert":
        return f"{indent}fn pii_edit_{name}() -> u8 {{ 1 }}\n" + whole
    if kind == "param":
        return whole + "_edit: u8, "
    if visibility:
        return whole.replace(visibility, "", 1)
    return indent + "pub " + whole[len(indent):]


def main():
    args = sys.argv[1:]
    via = [args.pop(0)] if args and args[0] == "--cli" else []
    checkout = pathlib.Path(args[0]).resolve()
    random.seed(int(args[1]) if len(args) > 1 else 1)
    wanted = int(args[2]) if len(args) > 2 else 10
    files = sorted(p for p in checkout.glob("crates/**/*.rs") if "/tests/" not in str(p))
    files = files or sorted(checkout.glob("**/*.rs"))
    failed = 0
    for _ in range(wanted):
        while True:
            path = random.choice(files)
            matches = list(FUNCTION.finditer(path.read_text(errors="ignore")))
            if matches:
                break
        found = random.choice(matches)
        indent, visibility, name = found.group(1), found.group(2) or "", found.group(4)
        kind = random.choice(["rename", "insert", "param", "visibility"])
        whole = found.group(0)
        by = edited(whole, indent, visibility, name, kind)
        run = subprocess.run([str(BINARY), *via, str(checkout), str(path), "replace", whole, by],
                             capture_output=True, text=True)
        lines = (run.stdout + run.stderr).strip().splitlines()
        failed += run.returncode != 0
        print(kind, path.relative_to(checkout), name, "|", " | ".join(lines[:1] + lines[-1:]), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
