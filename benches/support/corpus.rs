//! Words and people for the list benchmark's generated support inbox: a bakery's customers
//! writing about orders, deliveries and allergies. Deterministic for a seed.
//!
//! The vocabulary is 4,000 words drawn Zipf-style (word of rank r with weight 1/r): a few
//! stop words and shop words are in most messages, a long tail of made-up words in a few.
//! Some real words are placed at fixed ranks so the benchmark can search for a word it knows
//! to be common (`order`, rank 5), mid-frequency (`sourdough`, rank 40) or rare (`marzipan`,
//! rank 3,000).

/// splitmix64: small, fast, and enough for shaping test data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// The most frequent words, most frequent first: stop words, then the shop's own words.
const HEAD: &[&str] = &[
    "the",
    "and",
    "to",
    "you",
    "order",
    "for",
    "my",
    "is",
    "it",
    "we",
    "thanks",
    "please",
    "bread",
    "delivery",
    "cake",
    "today",
    "when",
    "can",
    "hello",
    "would",
    "like",
    "of",
    "box",
    "pickup",
    "time",
    "tomorrow",
    "week",
    "price",
    "hi",
    "shop",
    "loaf",
    "morning",
    "parcel",
    "address",
    "late",
    "gluten",
    "payment",
    "invoice",
    "refund",
    "sourdough",
    "croissant",
    "rye",
    "birthday",
    "allergy",
    "vegan",
    "dozen",
    "saturday",
    "friday",
    "wedding",
    "catering",
    "oven",
    "flour",
    "butter",
    "sugar",
    "eggs",
    "milk",
    "nuts",
    "card",
    "receipt",
    "change",
    "cancel",
    "missing",
    "damaged",
    "wrong",
    "fresh",
    "sliced",
    "baguette",
    "brioche",
    "muffin",
    "cookies",
    "tart",
    "pie",
    "coffee",
    "table",
    "class",
    "baking",
    "course",
    "voucher",
    "gift",
    "discount",
    "code",
    "website",
    "account",
    "password",
    "email",
    "phone",
    "driver",
    "door",
    "ring",
    "neighbour",
    "early",
    "evening",
];

/// Real words deep in the tail, at these ranks.
const TAIL: &[(usize, &str)] = &[(800, "cardamom"), (1500, "pistachio"), (3000, "marzipan")];

pub const VOCABULARY: usize = 4000;

const SYLLABLES: &[&str] = &[
    "ba", "ker", "lo", "mi", "ta", "ren", "so", "vel", "qui", "dor", "na", "pel", "tri", "cu",
    "man", "sel", "go", "ri", "fa", "zen", "bro", "lin", "ma", "tos", "pu", "ver", "chi",
];

pub struct Words {
    words: Vec<String>,
    /// Running sum of the Zipf weights, for sampling by binary search.
    cumulative: Vec<f64>,
}

impl Words {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng(seed);
        let mut words: Vec<String> = HEAD.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        seen.extend(TAIL.iter().map(|(_, w)| w.to_string()));
        while words.len() < VOCABULARY {
            if let Some((_, w)) = TAIL.iter().find(|(rank, _)| *rank == words.len() + 1) {
                words.push(w.to_string());
                continue;
            }
            let n = 2 + rng.below(3);
            let w: String = (0..n).map(|_| rng.pick(SYLLABLES)).collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut sum = 0.0;
        let cumulative = (1..=words.len())
            .map(|r| {
                sum += 1.0 / r as f64;
                sum
            })
            .collect();
        Self { words, cumulative }
    }

    pub fn word(&self, rng: &mut Rng) -> &str {
        let total = *self.cumulative.last().expect("a vocabulary");
        let at = rng.unit() * total;
        let i = self.cumulative.partition_point(|c| *c < at);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// `lo..hi` words as sentences.
    pub fn text(&self, rng: &mut Rng, lo: u64, hi: u64) -> String {
        let n = lo + rng.below(hi - lo);
        let mut out = String::with_capacity(n as usize * 7);
        let mut start = true;
        for _ in 0..n {
            let w = self.word(rng);
            if start {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
                start = false;
            } else {
                out.push_str(w);
            }
            if rng.below(12) == 0 {
                out.push_str(". ");
                start = true;
            } else {
                out.push(' ');
            }
        }
        out.truncate(out.trim_end().len());
        out.push('.');
        out
    }
}

const FIRST: &[&str] = &[
    "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal",
    "Lena", "Marta", "Nadia", "Omar", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera",
    "Wen", "Yusuf", "Zoe", "Aiko", "Bruno", "Carla", "Dmitri", "Esther", "Felix", "Greta", "Hana",
    "Ivan", "José", "Karin", "Luca", "Maya", "Nils", "Olga",
];
const LAST: &[&str] = &[
    "Silva", "Müller", "Nguyen", "Kowalski", "Rossi", "Dubois", "García", "Smith", "Jensen",
    "Novak", "Öztürk", "Tanaka", "Costa", "Berg", "Haddad", "Ivanova", "Moreau", "Fischer",
    "Lopez", "Okafor", "Santos", "Weber", "Young", "Zhang", "Andersen", "Baker", "Chen", "Dahl",
    "Eriksen", "Fontaine",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.net",
    "example.org",
    "post.example.de",
    "inbox.example.fr",
];

/// Visitor `n` of the pool: a name and an address that are the same every time.
pub fn visitor(n: u64) -> (String, String) {
    let first = FIRST[(n % FIRST.len() as u64) as usize];
    let last = LAST[((n / FIRST.len() as u64) % LAST.len() as u64) as usize];
    let domain = DOMAINS[(n % DOMAINS.len() as u64) as usize];
    let user: String = format!("{first}.{last}{}", n / 1200)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    (format!("{first} {last}"), format!("{user}@{domain}"))
}

/// Tags the owner uses, most used first (`refund` on about one tagged ticket in four).
pub const TAGS: &[&str] = &[
    "refund",
    "delivery",
    "allergy",
    "wholesale",
    "catering",
    "wedding",
    "complaint",
    "invoice",
    "vip",
    "classes",
    "gift card",
    "website",
    "late",
    "damaged",
    "follow-up",
    "press",
];

/// A tag, the first ones most often.
pub fn tag(rng: &mut Rng) -> &'static str {
    let weights: f64 = (1..=TAGS.len()).map(|r| 1.0 / r as f64).sum();
    let mut at = rng.unit() * weights;
    for (i, t) in TAGS.iter().enumerate() {
        at -= 1.0 / (i + 1) as f64;
        if at <= 0.0 {
            return t;
        }
    }
    TAGS[TAGS.len() - 1]
}
