#!/usr/bin/env python3
"""Writes the inputs of the linear-growth checks (`bench/growth.sh`).

    python3 bench/growth.py copies OUT ONE   # OUT: the workspace ONE twice, the second renamed
    python3 bench/growth.py big-file OUT MB  # one crate whose lib.rs is MB megabytes
    python3 bench/growth.py nested OUT N     # N inline modules nested in each other
    python3 bench/growth.py data OUT N       # N structs and N [[data]] entries naming their fields

Deterministic: the same arguments give the same files.
"""

import os
import shutil
import sys

MANIFEST = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n'


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def copies(out, one):
    """The workspace `one` as crates/ and again as crates-b/, its packages renamed shop-* -> shopb-*."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(os.path.join(one, "crates"), os.path.join(out, "crates"))
    for root, _, files in os.walk(os.path.join(one, "crates")):
        for name in files:
            source = os.path.join(root, name)
            target = os.path.join(out, "crates-b", os.path.relpath(source, os.path.join(one, "crates")))
            with open(source) as f:
                text = f.read()
            if name == "Cargo.toml":
                text = text.replace('name = "shop-', 'name = "shopb-').replace("\nshop-", "\nshopb-")
                text = text.replace('path = "../shop-', 'path = "../shopb-')
            else:
                text = text.replace("shop_", "shopb_")
            write(target, text)
    # Directory names follow the package names, as cargo's path dependencies expect.
    b = os.path.join(out, "crates-b")
    for name in sorted(os.listdir(b)):
        os.rename(os.path.join(b, name), os.path.join(b, name.replace("shop-", "shopb-")))
    for name in ("Cargo.toml",):
        with open(os.path.join(one, name)) as f:
            text = f.read()
        write(os.path.join(out, name), text.replace('["crates/*"]', '["crates/*", "crates-b/*"]'))


BLOCK = """
pub struct Record{i} {{
    pub id: u64,
    pub phone: String,
    pub note: String,
}}

pub fn render_{i}(r: &Record{i}, prefix: &str) -> String {{
    let mut out = String::from(prefix);
    out.push_str(&r.note);
    if r.id % 3 == 0 {{
        out.push_str(&r.phone);
    }}
    format!("{{}}:{{}}", r.id, out)
}}
"""


def big_file(out, megabytes):
    shutil.rmtree(out, ignore_errors=True)
    write(os.path.join(out, "Cargo.toml"), MANIFEST.format(name="big"))
    target = megabytes * 2**20
    parts, size, i = [], 0, 0
    while size < target:
        block = BLOCK.format(i=i)
        parts.append(block)
        size += len(block)
        i += 1
    write(os.path.join(out, "src", "lib.rs"), "".join(parts))


def nested(out, depth):
    shutil.rmtree(out, ignore_errors=True)
    write(os.path.join(out, "Cargo.toml"), MANIFEST.format(name="nested"))
    opening = "".join(f"pub mod m{i} {{\n" for i in range(depth))
    inner = "pub struct Customer { pub phone: String }\npub fn show(c: &Customer) { println!(\"{}\", c.phone.len()); }\n"
    write(os.path.join(out, "src", "lib.rs"), opening + inner + "}\n" * depth)


def data(out, count):
    shutil.rmtree(out, ignore_errors=True)
    write(os.path.join(out, "Cargo.toml"), MANIFEST.format(name="shop"))
    modules, entries = [], []
    per_module = 500
    for m in range((count + per_module - 1) // per_module):
        items = []
        for i in range(m * per_module, min(count, (m + 1) * per_module)):
            items.append(f"pub struct T{i} {{\n    pub id: u64,\n    pub phone: String,\n}}\n")
            items.append(f"pub fn read_{i}(t: &T{i}) -> usize {{\n    t.phone.len()\n}}\n")
            entries.append(f'[[data]]\npath = "shop::m{m}::T{i}.phone"\ncategory = "phone"\npurposes = ["service"]\n')
        write(os.path.join(out, "src", f"m{m}.rs"), "".join(items))
        modules.append(f"pub mod m{m};\n")
    write(os.path.join(out, "src", "lib.rs"), "".join(modules))
    write(os.path.join(out, "pii-lint.toml"), "\n".join(entries))


if __name__ == "__main__":
    kind, out, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    {"copies": lambda: copies(out, arg), "big-file": lambda: big_file(out, int(arg)),
     "nested": lambda: nested(out, int(arg)), "data": lambda: data(out, int(arg))}[kind]()
