//! `inventory --format json`: `{"version": 1, "tool": {...}, "system": "..", "controller": {..} | null,
//! "declarations": [...], "purposes": [...]}`.
//! Every field is always present (`null` when it has no value) so consumers can rely on the shape.

use super::{Controller, DataMap, Declaration, PurposeRule};
use serde::Serialize;

/// Bumped when a field changes meaning or goes away (new fields do not bump it).
const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    system: &'a str,
    controller: Option<&'a Controller>,
    declarations: &'a [Declaration],
    purposes: &'a [PurposeRule],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn render(map: &DataMap) -> String {
    let document = Document {
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        system: &map.system,
        controller: map.controller.as_ref(),
        declarations: &map.declarations,
        purposes: &map.purposes,
    };
    // Serialising plain structs of strings, numbers and booleans cannot fail.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
