use crate::diagnostic::Finding;
use crate::lints::LintContext;

declare_lint! {
    /// ### What it does
    /// Reports a Rust file of the workspace that cannot be read as Rust: a syntax error (at the line `syn`
    /// reports), a file that is not valid UTF-8 (at line 1), or a file that cannot be read at all. The rest of
    /// the workspace is still analysed; only this file is skipped.
    ///
    /// ### Why: the law
    /// No article asks for parseable code, but every other check depends on it: personal data declared, read
    /// or sent in a file the tool cannot read is invisible to it. A compliance report that silently skips a file
    /// would claim more than it checked, so the gap is reported and fails the build by default.
    ///
    /// ### Example
    /// ```rust,ignore
    /// pub fn total_fen(prices: &[u64]) -> u64 {
    ///     let sum: u64 = prices.iter().sum();
    ///     sum +            // the expression is never finished
    /// }                    // parse-error: unexpected end of input
    /// ```
    ///
    /// ### Passing
    /// ```rust,ignore
    /// pub fn total_fen(prices: &[u64]) -> u64 {
    ///     prices.iter().sum()
    /// }
    /// ```
    ///
    /// ### Fix
    /// - Fix the syntax error; `cargo check` shows the same problem.
    /// - Save files as UTF-8 (convert GBK or GB18030 sources with `iconv -f GBK -t UTF-8`).
    /// - Generated or vendored code that is not meant to be linted can be left out with `[files] exclude`.
    pub PARSE_ERROR, "PII000", "parse-error", Deny,
    "a file that cannot be parsed (the rest is still analysed)"
}

pub fn check(cx: &LintContext, findings: &mut Vec<Finding>) {
    let index = cx.index;
    for error in &index.parse_errors {
        let message = format!("this file cannot be parsed: {}", error.message);
        let help = if error.message.contains("UTF-8") {
            "save the file as UTF-8; the rest of the workspace is still analysed, this file is not"
        } else {
            "fix the syntax error (`cargo check` shows it too); until then this file is not analysed"
        };
        findings.push(Finding::new(&PARSE_ERROR, error.span, message).with_help(help));
    }
}
