"""Validates a `cargo pii-lint inventory --format fides` manifest the way Fides reads one.

Usage: python fides_validate.py MANIFEST.yml
Parses every resource with fideslang's own models (`fideslang.parse.load_manifests_into_taxonomy`) and
checks that each data category, data use and data subject it names is a key of fideslang's default
taxonomy and that every dataset reference resolves. Prints one line per problem; exit 1 when any.
"""

import sys

import yaml
from fideslang import DEFAULT_TAXONOMY
from fideslang.parse import load_manifests_into_taxonomy


def main(path):
    with open(path, encoding="utf-8") as handle:
        manifest = yaml.safe_load(handle)
    taxonomy = load_manifests_into_taxonomy(manifest)
    categories = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
    uses = {u.fides_key for u in DEFAULT_TAXONOMY.data_use}
    subjects = {s.fides_key for s in DEFAULT_TAXONOMY.data_subject}
    datasets = {d.fides_key for d in taxonomy.dataset}
    organizations = {"default_organization"} | {o.fides_key for o in taxonomy.organization}
    problems = []

    def check(keys, known, what, where):
        for key in keys or []:
            if key not in known:
                problems.append(f"{where}: unknown {what} `{key}`")

    for dataset in taxonomy.dataset:
        check([dataset.organization_fides_key], organizations, "organization", dataset.fides_key)
        check(dataset.data_subjects, subjects, "data subject", dataset.fides_key)
        for collection in dataset.collections:
            where = f"{dataset.fides_key}.{collection.name}"
            check(collection.data_categories, categories, "data category", where)
            check(collection.data_uses, uses, "data use", where)
            for field in collection.fields:
                check(field.data_categories, categories, "data category", f"{where}.{field.name}")
    for system in taxonomy.system:
        check([system.organization_fides_key], organizations, "organization", system.fides_key)
        check(system.dataset_references, datasets, "dataset", system.fides_key)
        if not system.privacy_declarations:
            problems.append(f"{system.fides_key}: no privacy declarations")
        for declaration in system.privacy_declarations:
            where = f"{system.fides_key}/{declaration.name}"
            check(declaration.data_categories, categories, "data category", where)
            check([declaration.data_use], uses, "data use", where)
            check(declaration.data_subjects, subjects, "data subject", where)
            check(declaration.dataset_references, datasets, "dataset", where)
            check(declaration.shared_categories, categories, "data category", where)
    for problem in problems:
        print(problem)
    print(
        f"{len(taxonomy.dataset)} dataset(s), {len(taxonomy.system)} system(s), "
        f"{len(taxonomy.organization)} organization(s), {len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
