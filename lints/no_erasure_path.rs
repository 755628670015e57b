use crate::diagnostic::Finding;
use crate::lints::LintContext;

declare_lint! {
    /// ### What it does
    /// Reports a stored type that holds personal data (a personal-data type, or a type with declared fields)
    /// that no `#[pii_lint::erasure]` function (or `[[erasure]]` entry) handles. A type is stored when its
    /// values, or personal data read from them, reach a `storage` sink, or when it is a row type (it derives
    /// diesel's `Queryable`/`Insertable`/`AsChangeset`/`Selectable`, sqlx's `FromRow` or sea-orm's
    /// `DeriveEntityModel`); request bodies and messages that are never kept are not reported. An erasure
    /// function handles a type when its signature or body names the type, or runs a `DELETE FROM` the
    /// type's table (the snake_case of its name, singular or plural), directly or through the workspace
    /// functions it calls; erasing a type erases the types of its fields too. The finding points at the
    /// type's name. Warns by default.
    ///
    /// ### Why: the law
    /// Decision Art. 8 gives citizens the right to ask for information that discloses their identity or
    /// infringes their rights to be deleted ("有权要求网络服务提供者删除有关信息"). A merchant can only honour
    /// that request if, for every kind of personal data it keeps, some code path deletes it.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[derive(pii_lint::Pii)]
    /// pub struct LoyaltyMember {                       // no erasure function mentions it
    ///     #[pii(category = "phone", purpose = "service")]
    ///     pub phone: String,
    /// }
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// #[pii_lint::erasure]
    /// pub fn forget_member(db: &Db, member: &LoyaltyMember) -> Result<(), DbError> {
    ///     db.delete_loyalty_member(&member.phone)
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Write (or extend) the deletion handler for customer requests and mark it `#[pii_lint::erasure]`; let
    ///   it name each personal-data type it deletes, or call the functions that do.
    /// - For code you cannot annotate, list the handler under `[[erasure]]` in `pii-lint.toml`.
    pub NO_ERASURE_PATH, "PII010", "no-erasure-path", Warn,
    "a personal-data type no `erasure` function handles"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    for ty in index.type_ids() {
        let info = index.ty(ty);
        if cx.flow.erased_types.contains(&ty) || !is_stored(cx, ty) {
            continue;
        }
        let data: Vec<_> = index
            .catalogue
            .decl_ids()
            .filter(|d| index.catalogue.decl(*d).type_id() == Some(ty))
            .map(|d| index.catalogue.data_ref(d))
            .collect();
        if data.is_empty() {
            continue;
        }
        let message = format!(
            "no #[pii_lint::erasure] function handles `{}`: a consumer cannot have this personal data deleted",
            info.name
        );
        let help = format!(
            "write the function that deletes a consumer's data on request, annotated #[pii_lint::erasure], and \
             name `{}` in it (or call a function that does)",
            info.name
        );
        findings.push(
            Finding::new(&NO_ERASURE_PATH, info.name_span, message)
                .with_data(data)
                .with_help(help),
        );
    }
}

/// Derives that make a type a database row (diesel, sqlx, sea-orm).
const ROW_DERIVES: &[&str] = &[
    "Queryable",
    "Insertable",
    "AsChangeset",
    "Selectable",
    "QueryableByName",
    "FromRow",
    "DeriveEntityModel",
];

/// A type is kept when its values (or data read from them) reach a storage sink, or it is a row type.
fn is_stored(cx: &LintContext, ty: crate::index::TypeId) -> bool {
    cx.flow.stored_types.contains(&ty)
        || cx
            .index
            .ty(ty)
            .def
            .derives
            .iter()
            .any(|d| ROW_DERIVES.contains(&d.as_str()))
}
