//! `[tunnel] command` as a program and its arguments: split like a POSIX shell splits words
//! (blanks separate, `'…'` is literal, `"…"` keeps blanks and lets `\` escape `"` and `\`, a
//! `\` outside quotes escapes the next character), and nothing more. No variables, globs,
//! pipes or `&&`: the command is never run through a shell, so such characters are plain
//! text in an argument. Pure: the supervisor runs what this returns.

/// Why a command cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("a {0} quote is not closed")]
    Unterminated(&'static str),
    #[error("it ends with a lone backslash")]
    TrailingBackslash,
}

/// The words of `command`; empty when it is blank.
pub fn split(command: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    // `None` between words; `Some` once a word has begun (even as `''`, an empty argument).
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(SplitError::Unterminated("single")),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err(SplitError::Unterminated("double")),
                        },
                        Some(c) => w.push(c),
                        None => return Err(SplitError::Unterminated("double")),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err(SplitError::TrailingBackslash),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell_without_one() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   \t ", &[]),
            (
                "cloudflared tunnel run shop",
                &["cloudflared", "tunnel", "run", "shop"],
            ),
            ("  ngrok   http\t7878 ", &["ngrok", "http", "7878"]),
            (
                "prog --name 'my shop' \"two words\"",
                &["prog", "--name", "my shop", "two words"],
            ),
            ("a'b c'd", &["ab cd"]),
            ("say '' \"\"", &["say", "", ""]),
            (r#"x "a \"q\" \\ \n""#, &["x", r#"a "q" \ \n"#]),
            (r"x 'no \escape'", &["x", r"no \escape"]),
            (r"x a\ b \'", &["x", "a b", "'"]),
            ("x $HOME | tee && y", &["x", "$HOME", "|", "tee", "&&", "y"]),
            ("/opt/my tools/t", &["/opt/my", "tools/t"]),
        ];
        for (command, want) in cases {
            assert_eq!(split(command).unwrap(), *want, "{command:?}");
        }
    }

    #[test]
    fn an_open_quote_or_lone_backslash_is_an_error() {
        assert_eq!(split("run 'shop"), Err(SplitError::Unterminated("single")));
        assert_eq!(split("run \"shop"), Err(SplitError::Unterminated("double")));
        assert_eq!(
            split("run \"shop\\\""),
            Err(SplitError::Unterminated("double"))
        );
        assert_eq!(split("run shop\\"), Err(SplitError::TrailingBackslash));
        assert_eq!(
            split("run 'shop").unwrap_err().to_string(),
            "a single quote is not closed"
        );
    }
}
