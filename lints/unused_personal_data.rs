use crate::diagnostic::Finding;
use crate::lints::LintContext;

declare_lint! {
    /// ### What it does
    /// Reports a declared personal-data field that no code in the workspace ever reads: no field access by
    /// name, no pattern binding it, and no formatting or serialisation of the whole struct that holds it.
    /// Constructing the struct (a struct literal) and derives do not count as use. The finding points at the
    /// field's name. Warns by default.
    ///
    /// ### Why: the law
    /// CRPL Art. 29 ¶1 and Decision Art. 2 allow collecting personal information only as far as necessary
    /// ("合法、正当、必要的原则"). A field that is collected and stored but never used is, by the code's own
    /// evidence, not necessary.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     #[pii(category = "gender", purpose = "service")]
    ///     pub gender: Option<String>,    // collected at sign-up, read nowhere
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct Customer {
    ///     // gender is no longer collected: the service never needed it
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Stop collecting the field, and delete what was stored.
    /// - If it is needed, the code that needs it will read it; if it is read only outside this workspace,
    ///   suppress with a reason naming where.
    pub UNUSED_PERSONAL_DATA, "PII011", "unused-personal-data", Warn,
    "a declared field that no code ever reads: collected but not necessary"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    // A read is a read: data some finding shows reaching a sink, or read somewhere, is used.
    let reached: std::collections::BTreeSet<crate::index::DeclId> = cx
        .flow
        .sink_flows
        .iter()
        .flat_map(|flow| flow.data.keys())
        .filter_map(|origin| match origin {
            crate::flow::Origin::Decl(d) | crate::flow::Origin::Encrypted(d) => Some(*d),
            _ => None,
        })
        .chain(
            cx.flow
                .reads
                .iter()
                .flat_map(|read| read.decls.iter().copied()),
        )
        .collect();
    for id in index.catalogue.decl_ids() {
        if reached.contains(&id) {
            continue;
        }
        let decl = index.catalogue.decl(id);
        let (Some(field), Some(type_id)) = (decl.field, decl.type_id()) else {
            continue;
        };
        let ty = index.ty(type_id);
        let name = ty.fields()[field]
            .name
            .clone()
            .unwrap_or_else(|| field.to_string());
        if cx.flow.used_fields.contains(&name) || cx.flow.rendered_types.contains(&type_id) {
            continue;
        }
        let data = index.catalogue.data_ref(id);
        let message = format!(
            "personal data {} is collected but never read",
            data.describe()
        );
        let help = "stop collecting it (only what the service needs may be collected), or read it where it is needed";
        findings.push(
            Finding::new(&UNUSED_PERSONAL_DATA, decl.span, message)
                .with_data(vec![data])
                .with_help(help),
        );
    }
}
