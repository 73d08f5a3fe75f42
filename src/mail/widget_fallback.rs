//! The widget's "email it instead" format (widget/FORMAT.md): the visitor's text, then a block
//! `--- Deskbell ticket request ---` with Name, Email, Phone, Page and Session lines. The block
//! is a hint: the sender's `From` address stays the truth for who wrote it.

pub const MARKER: &str = "--- Deskbell ticket request ---";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub issue: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub page: Option<String>,
    pub session: Option<String>,
}

/// The request in `body`, if it carries the marker (the last one wins).
pub fn parse(body: &str) -> Option<Request> {
    let body = body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let at = lines.iter().rposition(|l| l.trim_end() == MARKER)?;
    let mut r = Request {
        issue: lines[..at].join("\n").trim().to_string(),
        ..Request::default()
    };
    for line in &lines[at + 1..] {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let value = (!value.is_empty()).then(|| value.to_string());
        match key.trim() {
            "Name" => r.name = value,
            "Email" => r.email = value,
            "Phone" => r.phone = value,
            "Page" => r.page = value,
            "Session" => {
                r.session = value;
                break;
            }
            _ => {}
        }
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_block_and_the_issue() {
        let body = "My cake order for Saturday hasn't been confirmed yet.\r\nOrder #4411.\r\n\r\n--- Deskbell ticket request ---\r\nName: Sam Lee\r\nEmail: sam@example.com\r\nPhone:\r\nPage: https://rosa.example/order?item=cake\r\nSession: 3af5\r\n-- \r\nSent from my phone\r\n";
        let r = parse(body).unwrap();
        assert_eq!(
            r.issue,
            "My cake order for Saturday hasn't been confirmed yet.\nOrder #4411."
        );
        assert_eq!(r.name.as_deref(), Some("Sam Lee"));
        assert_eq!(r.email.as_deref(), Some("sam@example.com"));
        assert_eq!(r.phone, None);
        assert_eq!(
            r.page.as_deref(),
            Some("https://rosa.example/order?item=cake")
        );
        assert_eq!(r.session.as_deref(), Some("3af5"));
    }

    #[test]
    fn last_marker_wins_and_absent_marker_is_none() {
        let body =
            format!("quote {MARKER} inline\n{MARKER}\nName: A\n\nreal\n\n{MARKER}\nName: B\n");
        assert_eq!(parse(&body).unwrap().name.as_deref(), Some("B"));
        assert!(parse("just a normal email").is_none());
    }
}
