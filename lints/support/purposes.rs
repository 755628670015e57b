//! What the purpose and consent lints (PII003, PII004, PII006, PII007) say alike: which purpose the code
//! has and where it comes from, what the data was collected for, and where the nearest consent check is.
//! Not a lint itself.

use crate::diagnostic::{Span, TraceStep};
use crate::flow::CodePurpose;
use crate::index::{DeclId, FnId, Index};
use crate::parse::Annotation;

/// Every read of personal data in code that has a purpose, with that purpose (code without one is left
/// to the sink lints).
pub fn reads_with_purpose(
    flow: &crate::flow::FlowFacts,
) -> impl Iterator<Item = (&crate::flow::DataRead, &CodePurpose)> {
    flow.reads
        .iter()
        .filter_map(|read| Some((read, of_code(flow, read.function)?)))
}

/// The purpose of a function's code, if it has one.
pub fn of_code(flow: &crate::flow::FlowFacts, function: FnId) -> Option<&CodePurpose> {
    flow.purposes.get(function.0 as usize)?.as_ref()
}

/// A secondary label saying where the code's purpose comes from.
pub fn step(index: &Index, function: FnId, purpose: &CodePurpose) -> TraceStep {
    let name = &purpose.purpose.value;
    if purpose.inferred {
        let f = index.func(function);
        TraceStep {
            span: f.name_span,
            note: format!(
                "`{}` has no purpose of its own: all its callers process data for `{name}`",
                f.name
            ),
        }
    } else {
        TraceStep {
            span: purpose.purpose.span,
            note: format!("the code's purpose `{name}` is declared here"),
        }
    }
}

/// The consent a purpose needs, if any.
pub fn consent_of<'a>(index: &'a Index, purpose: &str) -> Option<&'a str> {
    index.catalogue.purpose(purpose)?.consent.as_deref()
}

pub fn collected_for(index: &Index, decl: DeclId, purpose: &str) -> bool {
    index
        .catalogue
        .decl(decl)
        .purposes
        .iter()
        .any(|p| p.value == purpose)
}

/// `` `service`, `marketing` ``
pub fn collected_purposes(index: &Index, decl: DeclId) -> String {
    let purposes: Vec<String> = index
        .catalogue
        .decl(decl)
        .purposes
        .iter()
        .map(|p| format!("`{}`", p.value))
        .collect();
    purposes.join(", ")
}

/// Where a check of `consent` can be found, nearest to `near` first (same file, then the workspace), as a
/// sentence for a help text.
pub fn nearest_check(index: &Index, consent: &str, near: Span) -> String {
    let checks = index.fns.iter().filter(|f| {
        f.annotations
            .iter()
            .any(|a| matches!(a, Annotation::ConsentCheck(c) if c.value == consent))
    });
    let nearest = checks.min_by_key(|f| {
        (
            f.file != near.file,
            f.name_span.line.abs_diff(near.line),
            f.name_span,
        )
    });
    let proof = index.types.iter().find(|t| {
        t.annotations
            .iter()
            .any(|a| matches!(a, Annotation::ConsentProof(c) if c.value == consent))
    });
    let mut said = match nearest {
        Some(f) => format!(
            "guard the use with the consent check `{}` ({}:{})",
            f.name,
            index.workspace.file(f.file).rel_path,
            f.name_span.line
        ),
        None => format!(
            "no consent check for `{consent}` exists in the workspace: write one that reads the consent the \
             customer gave, annotated #[pii_lint::consent_check(\"{consent}\")], and guard the use with it"
        ),
    };
    if let Some(proof) = proof {
        said.push_str(&format!(
            ", or take a `{}` consent proof as a parameter",
            proof.name
        ));
    }
    said
}
