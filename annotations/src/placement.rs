//! Where each attribute may be written, and the message when it is not.

use proc_macro2::{Span, TokenStream};

/// The kinds of item an attribute may be written on.
#[derive(Clone, Copy)]
pub enum Place {
    /// A function or a method.
    Function,
    /// A function, an impl block or an inline module: code that runs for a purpose.
    Context,
    /// A struct or an enum.
    Type,
    Anywhere,
}

/// What the attribute was written on.
enum ItemKind {
    Function,
    Impl,
    InlineModule,
    ModuleFile,
    Struct,
    Enum,
    Other(&'static str),
}

fn kind_of(item: &TokenStream) -> ItemKind {
    // A function without a body parses only as a trait item (`fn f();`) or a foreign one
    // (`pub fn f();` in `extern "C" { .. }`); one with a body parses as an item too.
    if syn::parse2::<syn::TraitItemFn>(item.clone()).is_ok()
        || syn::parse2::<syn::ForeignItemFn>(item.clone()).is_ok()
    {
        return ItemKind::Function;
    }
    if let Ok(parsed) = syn::parse2::<syn::Item>(item.clone()) {
        return match parsed {
            syn::Item::Fn(_) => ItemKind::Function,
            syn::Item::Impl(_) => ItemKind::Impl,
            syn::Item::Mod(m) if m.content.is_some() => ItemKind::InlineModule,
            syn::Item::Mod(_) => ItemKind::ModuleFile,
            syn::Item::Struct(_) => ItemKind::Struct,
            syn::Item::Enum(_) => ItemKind::Enum,
            syn::Item::Trait(_) => ItemKind::Other("a trait"),
            syn::Item::Union(_) => ItemKind::Other("a union"),
            syn::Item::Const(_) | syn::Item::Static(_) => ItemKind::Other("a constant or static"),
            syn::Item::Type(_) => ItemKind::Other("a type alias"),
            syn::Item::ForeignMod(_) => {
                ItemKind::Other("an `extern` block (write it on its functions)")
            }
            syn::Item::Use(_) => ItemKind::Other("a `use`"),
            syn::Item::Macro(_) => ItemKind::Other("a macro"),
            _ => ItemKind::Other("this item"),
        };
    }
    ItemKind::Other("this item")
}

/// `Ok` if `item` is a kind of item `place` admits, else an error at `whole` naming both.
pub fn check_place(
    attribute: &str,
    place: Place,
    item: &TokenStream,
    whole: Span,
) -> syn::Result<()> {
    let kind = kind_of(item);
    let allowed = matches!(
        (place, &kind),
        (Place::Anywhere, _)
            | (Place::Function | Place::Context, ItemKind::Function)
            | (Place::Context, ItemKind::Impl | ItemKind::InlineModule)
            | (Place::Type, ItemKind::Struct | ItemKind::Enum)
    );
    if allowed {
        return Ok(());
    }
    let written_on = match kind {
        ItemKind::Function => "a function",
        ItemKind::Impl => "an impl block",
        ItemKind::InlineModule => "a module",
        ItemKind::ModuleFile => "a `mod name;` declaration (write it on an inline `mod name { .. }` or in pii-lint.toml)",
        ItemKind::Struct => "a struct",
        ItemKind::Enum => "an enum",
        ItemKind::Other(what) => what,
    };
    let expected = match place {
        Place::Function => "a function or a method",
        Place::Context => "a function, an impl block or an inline module",
        Place::Type => "a struct or an enum",
        Place::Anywhere => "any item",
    };
    let message = format!("`#[pii_lint::{attribute}]` goes on {expected}, not on {written_on}");
    Err(syn::Error::new(whole, message))
}
