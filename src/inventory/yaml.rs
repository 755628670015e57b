//! A YAML writer for JSON-shaped documents: block mappings and sequences, every string double-quoted
//! with JSON escapes (a JSON string is a valid YAML double-quoted scalar), so no value can be misread as
//! a number, a boolean or YAML syntax. Keys keep their order; empty collections are written inline.

use serde_json::Value;

/// The document as YAML, ending with a newline.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => sequence(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn mapping(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key_text(key));
        out.push(':');
        nested(out, value, indent);
    }
}

fn sequence(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            // `- key: value` with the mapping's other keys aligned under the first.
            Value::Object(map) if !map.is_empty() => {
                let mut inner = String::new();
                mapping(&mut inner, map, indent + 2);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            _ => nested(out, item, indent),
        }
    }
}

/// What follows `key:` or `-`: a scalar on the same line, or a block on the next lines.
fn nested(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            mapping(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            sequence(out, items, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

/// A key as written: bare when it is a plain word (all fideslang keys are), quoted otherwise.
fn key_text(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let reserved = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"].contains(&key);
    if plain && !reserved {
        key.to_string()
    } else {
        scalar(&Value::String(key.to_string()))
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".to_string(),
        Value::Array(_) => "[]".to_string(),
        // Strings, numbers, booleans and null are written as JSON writes them, which YAML reads alike.
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use serde_json::json;

    #[test]
    fn nested_documents_are_block_yaml() {
        let document = json!({
            "dataset": [{"fides_key": "shop", "collections": [{"name": "a::B", "fields": []}]}],
            "note": "yes: \"quoted\"\nnext",
            "Odd key": 2,
            "yes": null,
        });
        let expected = "dataset:\n  - fides_key: \"shop\"\n    collections:\n      - name: \"a::B\"\n        fields: []\nnote: \"yes: \\\"quoted\\\"\\nnext\"\n\"Odd key\": 2\n\"yes\": null\n";
        assert_eq!(render(&document), expected);
    }
}
