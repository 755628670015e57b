//! Items made by a workspace `macro_rules!` (SPEC 4.4): the matched rule expanded with the invocation's
//! tokens, so a `make_string_type!(Email)` type can be declared and followed. The matcher knows what item
//! macros use: literal tokens, groups, `$x:frag` fragments (`ident`, `tt`, `literal`, `lifetime`, `vis`,
//! and the greedy ones, `ty`, `expr`, `path`, `pat`, ... up to the next token the rule expects) and
//! `$( .. ) sep op` repetitions, nested.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use std::collections::HashMap;
use std::str::FromStr;

/// The rules of a `macro_rules!` body, each as (matcher, transcriber) text.
pub fn rules_of(body: TokenStream) -> Vec<(String, String)> {
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let mut rules = Vec::new();
    let mut i = 0;
    while i + 3 < tokens.len() + 1 {
        let (Some(TokenTree::Group(matcher)), Some(TokenTree::Group(transcriber))) =
            (tokens.get(i), tokens.get(i + 3))
        else {
            break;
        };
        rules.push((
            matcher.stream().to_string(),
            transcriber.stream().to_string(),
        ));
        i += 4;
        if matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
            i += 1;
        }
    }
    rules
}

/// A macro's rules as tokens, lexed once for all its invocations.
pub struct Rules(Vec<(Vec<TokenTree>, TokenStream)>);

impl Rules {
    pub fn lex(rules: &[(String, String)]) -> Rules {
        Rules(
            rules
                .iter()
                .filter_map(|(matcher, transcriber)| {
                    let matcher = TokenStream::from_str(matcher).ok()?;
                    let transcriber = TokenStream::from_str(transcriber).ok()?;
                    Some((matcher.into_iter().collect(), transcriber))
                })
                .collect(),
        )
    }

    /// The expansion of the first rule that matches `input`, as tokens: syn parses them as they are,
    /// without printing and lexing them again.
    pub fn expand(&self, input: &str) -> Option<TokenStream> {
        let input: Vec<TokenTree> = TokenStream::from_str(input).ok()?.into_iter().collect();
        for (pattern, transcriber) in &self.0 {
            let mut bindings = Bindings::default();
            if matches_all(pattern, &input, &mut bindings) {
                let mut out = TokenStream::new();
                transcribe(transcriber.clone(), &[&bindings], &mut out);
                return Some(out);
            }
        }
        None
    }
}

/// How many delimited groups and `<` the tokens hold, nested ones included: an upper bound of their
/// nesting, as `depth::too_deep` counts it in text.
pub fn openers(tokens: &TokenStream) -> usize {
    tokens
        .clone()
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => 1 + openers(&group.stream()),
            TokenTree::Punct(punct) => usize::from(punct.as_char() == '<'),
            _ => 0,
        })
        .sum()
}

/// The expansion of the first rule that matches `input`, as source text.
#[cfg(test)]
fn expand(rules: &[(String, String)], input: &str) -> Option<String> {
    Rules::lex(rules)
        .expand(input)
        .map(|tokens| tokens.to_string())
}

/// What each `$name` matched: one fragment, or one `Bindings` per iteration of a repetition.
#[derive(Default)]
struct Bindings {
    single: HashMap<String, Vec<TokenTree>>,
    repeated: Vec<Vec<Bindings>>,
}

/// `$name:frag` at `pattern[at]`: the name and fragment kind.
fn fragment(pattern: &[TokenTree], at: usize) -> Option<(String, String)> {
    match (
        pattern.get(at),
        pattern.get(at + 1),
        pattern.get(at + 2),
        pattern.get(at + 3),
    ) {
        (
            Some(TokenTree::Punct(dollar)),
            Some(TokenTree::Ident(name)),
            Some(TokenTree::Punct(colon)),
            Some(TokenTree::Ident(kind)),
        ) if dollar.as_char() == '$' && colon.as_char() == ':' => {
            Some((name.to_string(), kind.to_string()))
        }
        _ => None,
    }
}

/// `$( .. ) sep? op` at `pattern[at]`: the group, the separator, and how many tokens the whole takes.
fn repetition(pattern: &[TokenTree], at: usize) -> Option<(Group, Option<String>, usize)> {
    let (Some(TokenTree::Punct(dollar)), Some(TokenTree::Group(group))) =
        (pattern.get(at), pattern.get(at + 1))
    else {
        return None;
    };
    if dollar.as_char() != '$' || group.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let is_op = |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?'));
    if is_op(pattern.get(at + 2)) {
        return Some((group.clone(), None, 3));
    }
    let separator = pattern.get(at + 2).map(ToString::to_string);
    is_op(pattern.get(at + 3)).then(|| (group.clone(), separator, 4))
}

fn matches_all(pattern: &[TokenTree], input: &[TokenTree], bindings: &mut Bindings) -> bool {
    matches_from(pattern, 0, input, 0, bindings, None) == Some(input.len())
}

/// Matches `pattern[p..]` against `input[i..]`; the input position reached, if it matched. `follow` is
/// the token expected after the pattern (a repetition's separator), where a greedy fragment stops.
fn matches_from(
    pattern: &[TokenTree],
    p: usize,
    input: &[TokenTree],
    i: usize,
    bindings: &mut Bindings,
    follow: Option<&str>,
) -> Option<usize> {
    if p == pattern.len() {
        return Some(i);
    }
    if let Some((name, kind)) = fragment(pattern, p) {
        let next = pattern.get(p + 4).map(ToString::to_string);
        let stop = next.as_deref().filter(|t| *t != "$").or(follow);
        let end = fragment_end(&kind, stop, input, i)?;
        bindings.single.insert(name, input[i..end].to_vec());
        return matches_from(pattern, p + 4, input, end, bindings, follow);
    }
    if let Some((group, separator, width)) = repetition(pattern, p) {
        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
        let mut iterations = Vec::new();
        let mut at = i;
        loop {
            let mut iteration = Bindings::default();
            let mut start = at;
            if !iterations.is_empty() {
                if let Some(sep) = &separator {
                    if input.get(at).map(ToString::to_string).as_ref() != Some(sep) {
                        break;
                    }
                    start = at + 1;
                }
            }
            // An iteration must consume something, and stop where the rest of the pattern could start.
            let after = pattern.get(p + width).map(ToString::to_string);
            let stop = separator.as_deref().or(after.as_deref()).or(follow);
            match matches_from(&inner, 0, input, start, &mut iteration, stop) {
                Some(end) if end > start => {
                    iterations.push(iteration);
                    at = end;
                }
                _ => break,
            }
        }
        bindings.repeated.push(iterations);
        return matches_from(pattern, p + width, input, at, bindings, follow);
    }
    match (&pattern[p], input.get(i)?) {
        (TokenTree::Group(expected), TokenTree::Group(given)) => {
            if expected.delimiter() != given.delimiter() {
                return None;
            }
            let expected: Vec<TokenTree> = expected.stream().into_iter().collect();
            let given: Vec<TokenTree> = given.stream().into_iter().collect();
            matches_all(&expected, &given, bindings).then_some(())?;
            matches_from(pattern, p + 1, input, i + 1, bindings, follow)
        }
        (expected, given) if expected.to_string() == given.to_string() => {
            matches_from(pattern, p + 1, input, i + 1, bindings, follow)
        }
        _ => None,
    }
}

/// Where a fragment of `kind` starting at `input[i]` ends.
fn fragment_end(kind: &str, stop: Option<&str>, input: &[TokenTree], i: usize) -> Option<usize> {
    match kind {
        "ident" => matches!(input.get(i)?, TokenTree::Ident(_)).then_some(i + 1),
        "tt" => input.get(i).map(|_| i + 1),
        "literal" => match input.get(i)? {
            TokenTree::Literal(_) => Some(i + 1),
            TokenTree::Punct(p) if p.as_char() == '-' => Some(i + 2),
            TokenTree::Ident(b) if b == "true" || b == "false" => Some(i + 1),
            _ => None,
        },
        "lifetime" => Some(i + 2),
        "vis" => {
            let mut end = i;
            if matches!(input.get(end), Some(TokenTree::Ident(p)) if p == "pub") {
                end += 1;
                if matches!(input.get(end), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
                {
                    end += 1;
                }
            }
            Some(end)
        }
        // `ty`, `expr`, `path`, `pat`, `stmt`, `block`, `item`, `meta`: up to the token the rule expects
        // next (a `,`, `;`, `=>`), or to the end; never empty.
        _ => {
            let mut end = i;
            let mut angles = 0i32;
            while let Some(token) = input.get(end) {
                let text = token.to_string();
                if angles == 0 && (Some(text.as_str()) == stop || (stop.is_none() && text == ";")) {
                    break;
                }
                match text.as_str() {
                    "<" => angles += 1,
                    ">" => angles -= 1,
                    _ => {}
                }
                end += 1;
            }
            (end > i).then_some(end)
        }
    }
}

/// The transcriber with `$name` replaced by what it matched and `$( .. ) sep op` repeated per iteration.
/// `scopes` is the chain of bindings, innermost repetition last.
fn transcribe(transcriber: TokenStream, scopes: &[&Bindings], out: &mut TokenStream) {
    let lookup = |name: &str| scopes.iter().rev().find_map(|b| b.single.get(name));
    let tokens: Vec<TokenTree> = transcriber.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match (&tokens[i], tokens.get(i + 1)) {
            (TokenTree::Punct(dollar), Some(TokenTree::Ident(name))) if dollar.as_char() == '$' => {
                let name = name.to_string();
                match lookup(&name) {
                    Some(matched) => out.extend(matched.iter().cloned()),
                    None if name == "crate" => {
                        out.extend(TokenStream::from_str("crate").unwrap_or_default())
                    }
                    None => {}
                }
                i += 2;
            }
            (TokenTree::Punct(dollar), Some(TokenTree::Group(group)))
                if dollar.as_char() == '$' && group.delimiter() == Delimiter::Parenthesis =>
            {
                let (separator, width) = match (tokens.get(i + 2), tokens.get(i + 3)) {
                    (Some(TokenTree::Punct(op)), _) if matches!(op.as_char(), '*' | '+' | '?') => {
                        (None, 3)
                    }
                    (Some(sep), Some(_)) => (Some(sep.clone()), 4),
                    _ => (None, 2),
                };
                // The repetition of the matcher whose fragments the group uses.
                let used = fragment_names(group.stream());
                let innermost = scopes.last().copied();
                let iterations = innermost.and_then(|b| {
                    b.repeated.iter().find(|iterations| {
                        iterations
                            .first()
                            .is_some_and(|first| first.single.keys().any(|k| used.contains(k)))
                    })
                });
                for (n, iteration) in iterations.into_iter().flatten().enumerate() {
                    if n > 0 {
                        out.extend(separator.clone());
                    }
                    let mut inner: Vec<&Bindings> = scopes.to_vec();
                    inner.push(iteration);
                    transcribe(group.stream(), &inner, out);
                }
                i += width;
            }
            (TokenTree::Group(group), _) => {
                let mut inner = TokenStream::new();
                transcribe(group.stream(), scopes, &mut inner);
                out.extend([TokenTree::Group(Group::new(group.delimiter(), inner))]);
                i += 1;
            }
            (token, _) => {
                out.extend([token.clone()]);
                i += 1;
            }
        }
    }
}

/// The `$name`s a transcriber group uses, at any depth.
fn fragment_names(stream: TokenStream) -> Vec<String> {
    let mut names = Vec::new();
    let mut after_dollar = false;
    for token in stream {
        match token {
            TokenTree::Punct(p) if p.as_char() == '$' => after_dollar = true,
            TokenTree::Ident(ident) if after_dollar => {
                names.push(ident.to_string());
                after_dollar = false;
            }
            TokenTree::Group(group) => {
                names.extend(fragment_names(group.stream()));
                after_dollar = false;
            }
            _ => after_dollar = false,
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(body: &str) -> Vec<(String, String)> {
        rules_of(TokenStream::from_str(body).expect("tokens"))
    }

    #[test]
    fn a_newtype_maker_expands_with_its_name() {
        let rules = rules("($name:ident) => { pub struct $name(String); impl $name { pub fn get(&self) -> &str { &self.0 } } };");
        let expanded = expand(&rules, "Email").expect("matches");
        assert!(expanded.contains("pub struct Email (String)"), "{expanded}");
        assert!(expanded.contains("impl Email"), "{expanded}");
    }

    #[test]
    fn repetitions_and_types_expand_per_iteration() {
        let rules = rules(
            "($vis:vis struct $name:ident { $($field:ident : $ty:ty),* $(,)? }) => { $vis struct $name { $(pub $field: $ty),* } };",
        );
        let expanded = expand(
            &rules,
            "pub struct User { email: String, tags: Vec<String> }",
        )
        .expect("matches");
        assert!(expanded.contains("pub struct User"), "{expanded}");
        assert!(expanded.contains("pub email : String"), "{expanded}");
        assert!(expanded.contains("pub tags : Vec < String >"), "{expanded}");
    }

    #[test]
    fn each_repetition_expands_with_its_own_fragments() {
        let rules = rules("($($a:ident),* ; $($b:ident),*) => { $(struct $b;)* $(struct $a;)* };");
        let expanded = expand(&rules, "A, B ; C").expect("matches");
        assert_eq!(expanded, "struct C ; struct A ; struct B ;");
    }

    #[test]
    fn the_first_matching_rule_wins_and_no_match_is_none() {
        let rules = rules("(one) => { struct One; }; ($n:ident) => { struct $n; };");
        assert_eq!(expand(&rules, "one").as_deref(), Some("struct One ;"));
        assert_eq!(expand(&rules, "Two").as_deref(), Some("struct Two ;"));
        assert_eq!(expand(&rules, "1 2"), None);
    }
}
