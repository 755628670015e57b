//! The level of each lint: its default, then `[lints]` in the config, then `-D/-W/-A` on the command line
//! in the order given (the command line wins). `warnings` names every lint whose level ends as `warn`.

use crate::config::Config;
use crate::diagnostic::{Finding, Level};
use crate::lints::{self, Lint};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Levels {
    by_code: HashMap<&'static str, Level>,
    /// What `-D warnings` / `-A warnings` make of lints that end as `warn`.
    warnings: Option<Level>,
}

/// `-D <lint>`, `-W <lint>`, `-A <lint>` as given, in order.
pub type LevelFlags = [(Level, String)];

impl Levels {
    pub fn new(config: &Config, flags: &LevelFlags) -> Result<Levels, String> {
        let mut by_code: HashMap<&'static str, Level> =
            lints::all().map(|l| (l.code, l.default_level)).collect();
        for entry in &config.lints {
            by_code.insert(entry.lint.code, entry.level);
        }
        let mut warnings = None;
        for (level, name) in flags {
            if name == "warnings" {
                warnings = match level {
                    Level::Warn => None,
                    other => Some(*other),
                };
                continue;
            }
            let lint = lints::find(name).ok_or_else(|| {
                format!("unknown lint `{name}`: name a lint by name (`log-leak`, `log_leak`) or code (`PII005`), or `warnings`")
            })?;
            by_code.insert(lint.code, *level);
        }
        Ok(Levels { by_code, warnings })
    }

    pub fn level(&self, lint: &Lint) -> Level {
        let level = self
            .by_code
            .get(lint.code)
            .copied()
            .unwrap_or(lint.default_level);
        match (level, self.warnings) {
            (Level::Warn, Some(instead)) => instead,
            _ => level,
        }
    }

    /// Sets each finding's level and drops those whose lint is allowed.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        for finding in findings.iter_mut() {
            finding.level = self.level(finding.lint);
        }
        findings.retain(|f| f.level != Level::Allow);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(name: &str) -> &'static Lint {
        lints::find(name).unwrap()
    }

    fn flags(list: &[(Level, &str)]) -> Vec<(Level, String)> {
        list.iter().map(|(l, n)| (*l, n.to_string())).collect()
    }

    #[test]
    fn defaults_follow_the_registry() {
        let levels = Levels::new(&Config::default(), &[]).unwrap();
        assert_eq!(levels.level(lint("log-leak")), Level::Deny);
        assert_eq!(levels.level(lint("PII009")), Level::Warn);
    }

    #[test]
    fn command_line_wins_over_config_and_later_flags_win() {
        let mut config = Config::default();
        config.lints.push(crate::config::LintLevel {
            lint: lint("log-leak"),
            level: Level::Warn,
        });
        let levels = Levels::new(
            &config,
            &flags(&[(Level::Allow, "log_leak"), (Level::Deny, "PII005")]),
        )
        .unwrap();
        assert_eq!(levels.level(lint("log-leak")), Level::Deny);
        let levels = Levels::new(&config, &[]).unwrap();
        assert_eq!(levels.level(lint("log-leak")), Level::Warn);
    }

    #[test]
    fn deny_warnings_turns_every_warning_into_an_error() {
        let levels = Levels::new(
            &Config::default(),
            &flags(&[(Level::Allow, "PII011"), (Level::Deny, "warnings")]),
        )
        .unwrap();
        assert_eq!(levels.level(lint("undeclared-personal-data")), Level::Deny);
        assert_eq!(levels.level(lint("unused-personal-data")), Level::Allow);
        let levels =
            Levels::new(&Config::default(), &flags(&[(Level::Allow, "warnings")])).unwrap();
        assert_eq!(levels.level(lint("PII010")), Level::Allow);
        assert_eq!(levels.level(lint("PII000")), Level::Deny);
    }

    #[test]
    fn unknown_lint_on_the_command_line_is_an_error() {
        let error =
            Levels::new(&Config::default(), &flags(&[(Level::Deny, "log-leek")])).unwrap_err();
        assert!(error.contains("unknown lint `log-leek`"));
    }
}
