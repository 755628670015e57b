//! `cargo pii-lint init`: a starter `pii-lint.toml`, with a `[[data]]` entry suggested (commented out, to be
//! checked and given a purpose) for every field that looks like undeclared personal data, and for the
//! parameters, generated credentials and dependency types its heuristics see (`signatures`).

mod signatures;

use crate::pipeline::CheckOutcome;

/// Suggestions of one kind listed in full; the rest are counted, so none is dropped unsaid.
const LISTED: usize = 60;

pub fn starter_config(outcome: &CheckOutcome) -> String {
    let index = &outcome.index;
    let mut out = String::from(
        "# pii-lint.toml: the personal-data rules of this workspace (see `cargo pii-lint --help` and the README).\n\
         \n\
         # Purposes beyond the built-in ones (service, legal_obligation, security, marketing, analytics,\n\
         # third_party_sharing):\n\
         # [purposes.order_fulfillment]\n\
         # description = \"Ship what the customer ordered\"\n\
         \n\
         [lints]\n\
         # undeclared-personal-data = \"deny\"\n\
         \n\
         [files]\n\
         exclude = []\n\
         include_tests = false\n",
    );
    let mut suggestions = Vec::new();
    for finding in outcome.findings.iter().filter(|f| f.lint.code == "PII009") {
        let owner = index
            .type_ids()
            .find(|t| index.ty(*t).fields().iter().any(|f| f.span == finding.span));
        let (Some(owner), Some(data)) = (owner, finding.data.first()) else {
            continue;
        };
        let Some(field) = &data.field else { continue };
        suggestions.push(format!(
            "\n# {}:{}\n# [[data]]\n# path = \"{}.{field}\"\n# category = \"{}\"\n# purposes = [\"service\"]   # why it is collected\n",
            index.workspace.file(finding.span.file).rel_path,
            finding.span.line,
            index.type_path(owner),
            data.category
        ));
    }
    if !suggestions.is_empty() {
        out.push_str(&format!(
            "\n# {} field(s) look like personal data and are not declared. Declare each with #[pii(..)] in the code,\n\
             # or uncomment its entry below after checking the category and stating the purpose.\n",
            suggestions.len()
        ));
        suggestions.iter().for_each(|s| out.push_str(s));
    }
    let others = signatures::suggestions(index);
    if !others.is_empty() {
        out.push_str(&format!(
            "\n# {} parameter(s), return value(s) or dependency type(s) look like personal data. Uncomment an\n\
             # entry after checking it, and state its purposes (purposes = [\"service\"]).\n",
            others.len()
        ));
        for suggestion in others.iter().take(LISTED) {
            let (file, line) = &suggestion.place;
            out.push_str(&format!("\n# {file}:{line}\n{}", suggestion.entry));
        }
        if others.len() > LISTED {
            out.push_str(&format!(
                "\n# ... and {} more: `cargo pii-lint init` on a smaller set of packages (--manifest-path) lists them.\n",
                others.len() - LISTED
            ));
        }
    }
    out
}
