//! Ticket tags as the owner types them: "Billing ", "billing", "BILLING" are one tag. Pure:
//! the store only ever sees the normalised list this returns.
//!
//! Rules: trimmed, inner runs of spaces become one, lower case, at most [`MAX_TAG`] characters
//! of letters, digits, spaces and `- _ . / & + #`; at most [`MAX_TAGS`] per ticket; blanks are
//! dropped and duplicates merged (the result is sorted).

pub const MAX_TAG: usize = 32;
pub const MAX_TAGS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("tag {tag:?} is too long: at most {MAX_TAG} characters")]
    TooLong { tag: String },
    #[error("tag {tag:?} may contain only letters, digits, spaces and - _ . / & + #")]
    Character { tag: String },
    #[error("a ticket can have at most {MAX_TAGS} tags ({count} given)")]
    TooMany { count: usize },
}

const ALLOWED_PUNCTUATION: &[char] = &['-', '_', '.', '/', '&', '+', '#', ' '];

/// One tag, normalised; `Ok(None)` for a blank one.
pub fn normalise(raw: &str) -> Result<Option<String>, TagError> {
    let tag = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if tag.is_empty() {
        return Ok(None);
    }
    if tag.chars().count() > MAX_TAG {
        return Err(TagError::TooLong { tag });
    }
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || ALLOWED_PUNCTUATION.contains(&c))
    {
        return Err(TagError::Character { tag });
    }
    Ok(Some(tag))
}

/// The whole set for a ticket: normalised, deduplicated, sorted.
pub fn normalise_all<S: AsRef<str>>(raw: &[S]) -> Result<Vec<String>, TagError> {
    let mut tags = Vec::new();
    for r in raw {
        if let Some(t) = normalise(r.as_ref())? {
            tags.push(t);
        }
    }
    tags.sort();
    tags.dedup();
    if tags.len() > MAX_TAGS {
        return Err(TagError::TooMany { count: tags.len() });
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_lowercases_merges_and_sorts() {
        let got = normalise_all(&["  Billing ", "billing", "VIP", "", "  ", "Late   parcel"]);
        assert_eq!(got.unwrap(), ["billing", "late parcel", "vip"]);
        assert_eq!(normalise_all(&["Ärger", "ärger"]).unwrap(), ["ärger"]);
        assert_eq!(normalise_all::<&str>(&[]).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn refuses_with_a_reason() {
        let long = "x".repeat(MAX_TAG + 1);
        assert!(matches!(normalise(&long), Err(TagError::TooLong { .. })));
        assert!(
            normalise(&"é".repeat(MAX_TAG)).unwrap().is_some(),
            "characters, not bytes"
        );
        for bad in ["a,b", "<b>", "tab\u{0}", "emoji 😀", "quote\""] {
            let e = normalise(bad).unwrap_err();
            assert!(matches!(e, TagError::Character { .. }), "{bad:?}");
            assert!(e.to_string().contains("only letters"), "{e}");
        }
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        let e = normalise_all(&many).unwrap_err();
        assert_eq!(
            e,
            TagError::TooMany {
                count: MAX_TAGS + 1
            }
        );
        // Duplicates do not count twice against the limit.
        let dupes: Vec<String> = (0..50).map(|_| "same".to_string()).collect();
        assert_eq!(normalise_all(&dupes).unwrap(), ["same"]);
    }
}
