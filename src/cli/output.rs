//! Plain-text tables for humans; `--json` output is serde's.

/// Left-aligned columns separated by two spaces; cells are cut to `max` characters.
pub fn table(header: &[&str], rows: &[Vec<String>], max: usize) -> String {
    let cut = |s: &str| -> String {
        let one_line = s.replace(['\n', '\r', '\t'], " ");
        if one_line.chars().count() > max {
            let mut t: String = one_line.chars().take(max - 1).collect();
            t.push('…');
            t
        } else {
            one_line
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cut(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

pub fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn aligns_and_cuts() {
        let t = super::table(
            &["ID", "NAME"],
            &[
                vec!["1".into(), "Ana\nB".into()],
                vec!["22".into(), "x".repeat(20)],
            ],
            10,
        );
        assert_eq!(t, "ID  NAME\n1   Ana B\n22  xxxxxxxxx…\n");
    }
}
