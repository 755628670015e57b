#!/usr/bin/env python3
"""Writes a synthetic merchant workspace for the speed and memory benchmark.

    python3 bench/generate.py OUT_DIR [--files 2000] [--lines-per-file 250]

20 member crates; `shop-00` holds the annotated personal-data types, every other crate depends on it
and has modules of handlers, services and exports that read, bind, format, pass and return personal
data across functions, modules and crates, with sinks (log, tracing, files) and a few real leaks.
Deterministic: the same arguments give the same files.
"""

import argparse
import os
import random

ANNOTATIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "annotations"))
CRATES = 20

MODELS = '''
#[derive(pii_lint::Pii, Debug, Clone, serde::Serialize)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
    #[pii(category = "email", purposes = ["service", "marketing"])]
    pub email: String,
    #[pii(category = "id_number", purpose = "legal_obligation")]
    #[serde(skip)]
    pub id_card: String,
    pub created_at: u64,
}

#[derive(pii_lint::Pii, Clone)]
#[pii(category = "email", purposes = ["service", "marketing"])]
pub struct EmailAddress(pub String);

#[derive(pii_lint::Pii, pii_lint::RedactedDebug, Clone)]
pub struct Address {
    pub id: u64,
    #[pii(category = "address", purpose = "service")]
    pub street: String,
    pub city: String,
}

#[pii_lint::sanitizer]
pub fn mask(value: &str) -> String {
    format!("{}****", &value[..3.min(value.len())])
}

#[pii_lint::erasure]
pub fn forget(customer: Customer, address: Address, email: EmailAddress) -> usize {
    drop((customer, address, email));
    1
}
'''


def function(rng, crate, module, index, peers):
    """One function of about 20 lines, of one of several shapes."""
    name = f"f{index:03}"
    shape = rng.randrange(8)
    peer = rng.choice(peers) if peers else None
    call = f"crate::{peer}::f{rng.randrange(10):03}(c)" if peer else "0"
    lines = [f'#[pii_lint::purpose("service")]', f"pub fn {name}(c: &core::Customer) -> u64 {{"]
    if shape == 0:
        lines += [
            "    let phone = c.phone.trim().to_string();",
            "    let digits: Vec<char> = phone.chars().filter(|ch| ch.is_ascii_digit()).collect();",
            "    if digits.len() != 11 {",
            '        log::warn!("customer {} has an invalid phone", c.id);',
            "        return 0;",
            "    }",
            "    let masked = core::mask(&phone);",
            '    tracing::info!(customer = c.id, masked = %masked, "validated");',
        ]
    elif shape == 1:
        lines += [
            "    let label = format!(\"{} / {}\", c.id, core::mask(&c.phone));",
            "    let mut total = 0u64;",
            "    for (i, ch) in label.chars().enumerate() {",
            "        total += (ch as u64) * (i as u64 + 1);",
            "    }",
            '    println!("label {} -> {}", c.id, total);',
        ]
    elif shape == 2:
        lines += [
            "    let customers = vec![c.clone()];",
            "    let ids: Vec<u64> = customers.iter().filter(|x| !x.email.is_empty()).map(|x| x.id).collect();",
            "    let emails: Vec<String> = customers.iter().map(|x| x.email.to_lowercase()).collect();",
            "    let count = emails.iter().filter(|e| e.ends_with(\".cn\")).count() as u64;",
            '    log::debug!("{} customers, {} in .cn", ids.len(), count);',
        ]
    elif shape == 3:
        lines += [
            "    let copy = Row { id: c.id, label: c.email.clone() };",
            "    match copy.id % 3 {",
            '        0 => log::info!("bucket zero for {}", copy.id),',
            '        1 => log::info!("bucket one for {}", copy.id),',
            '        _ => log::info!("bucket other for {}", copy.id),',
            "    }",
            "    let size = copy.label.len() as u64;",
        ]
    elif shape == 4:
        lines += [
            "    let checked = helper(&c.phone);",
            "    let echoed = echo(checked.clone());",
            "    if echoed.is_empty() {",
            "        return 1;",
            "    }",
        ]
    elif shape == 5:
        lines += [
            "    let mut parts = Vec::new();",
            "    parts.push(c.id.to_string());",
            "    parts.push(core::mask(&c.email));",
            "    let joined = parts.join(\",\");",
            '    tracing::debug!(%joined, "row");',
        ]
    elif shape == 6:
        lines += [
            "    let name = c.email.split('@').next().unwrap_or_default().to_string();",
            "    let greeting = if name.len() > 3 { \"hello\" } else { \"hi\" };",
            '    log::trace!("{} customer {}", greeting, c.id);',
        ]
    else:
        leak = rng.randrange(20) == 0
        lines += [
            f'    log::info!("{{:?}}", c);' if leak else '    log::info!("customer {}", c.id);',
            "    let address = core::Address { id: c.id, street: String::new(), city: String::new() };",
            '    log::info!("{:?}", address);',
        ]
    lines += [f"    {call} + c.created_at % 7", "}", ""]
    return lines


def module_file(rng, crate, module, peers, target_lines):
    lines = [
        "use std::collections::HashMap;",
        "",
        "pub struct Row {",
        "    pub id: u64,",
        "    pub label: String,",
        "}",
        "",
        "pub struct Contact {",
        "    pub contact_id: u64,",
        "    pub mobile: String,",
        "    pub phone_model: String,",
        "}",
        "",
        "pub fn helper(value: &str) -> String {",
        "    value.chars().rev().collect()",
        "}",
        "",
        "pub fn echo(value: String) -> String {",
        "    value",
        "}",
        "",
        "pub fn index(rows: &[Row]) -> HashMap<u64, usize> {",
        "    rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect()",
        "}",
        "",
    ]
    index = 0
    while len(lines) < target_lines:
        lines += function(rng, crate, module, index, peers)
        index += 1
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--lines-per-file", type=int, default=250)
    args = parser.parse_args()
    rng = random.Random(42)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "Cargo.toml"), "w") as f:
        f.write('[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n')
    per_crate = max(1, (args.files - 1) // (CRATES - 1))
    core_dir = os.path.join(args.out, "crates", "shop-00", "src")
    os.makedirs(core_dir, exist_ok=True)
    with open(os.path.join(args.out, "crates", "shop-00", "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "shop-00"\nversion = "0.1.0"\nedition = "2021"\n\n'
                f'[dependencies]\npii-lint = {{ path = "{ANNOTATIONS}" }}\n')
    with open(os.path.join(core_dir, "lib.rs"), "w") as f:
        f.write(MODELS)
    for c in range(1, CRATES):
        crate_dir = os.path.join(args.out, "crates", f"shop-{c:02}")
        src = os.path.join(crate_dir, "src")
        os.makedirs(os.path.join(src, "handlers"), exist_ok=True)
        with open(os.path.join(crate_dir, "Cargo.toml"), "w") as f:
            f.write(f'[package]\nname = "shop-{c:02}"\nversion = "0.1.0"\nedition = "2021"\n\n'
                    f'[dependencies]\npii-lint = {{ path = "{ANNOTATIONS}" }}\n'
                    f'core = {{ path = "../shop-00", package = "shop-00" }}\n')
        flat = [f"m{m:03}" for m in range(per_crate // 2)]
        nested = [f"h{m:03}" for m in range(per_crate - len(flat))]
        peers = flat + [f"handlers::{n}" for n in nested]
        with open(os.path.join(src, "lib.rs"), "w") as f:
            f.write("".join(f"pub mod {m};\n" for m in flat) + "pub mod handlers;\n")
        with open(os.path.join(src, "handlers", "mod.rs"), "w") as f:
            f.write("".join(f"pub mod {n};\n" for n in nested))
        for m in flat:
            with open(os.path.join(src, f"{m}.rs"), "w") as f:
                f.write(module_file(rng, c, m, [p for p in peers if p != m], args.lines_per_file))
        for n in nested:
            with open(os.path.join(src, "handlers", f"{n}.rs"), "w") as f:
                text = module_file(rng, c, n, [p for p in peers if p != f"handlers::{n}"], args.lines_per_file)
                f.write(text.replace("crate::handlers::", "crate::handlers::"))


if __name__ == "__main__":
    main()
