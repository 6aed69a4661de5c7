//! Seeded synthetic brand communities (see `kolgraph generate`).
//!
//! Model (a planted-partition small world with hubs):
//! * customers are split into communities of heavy-tailed size (Pareto weights), each cut into
//!   "circles" of about [`CIRCLE`] members; every third community is brand-led (a brand and a
//!   staff account post to its members and are replied to), the others consumer-led;
//! * every customer has a Pareto activity; the source of a customer row is drawn in proportion
//!   to activity (heavy-tailed out-degrees);
//! * targets: a planted opinion leader of the source's community (≈30 % of rows), the source's
//!   circle (≈45 %: dense circles give high clustering), the rest of the community (≈17 %) or
//!   any customer (≈5 %: the few long links that make paths short);
//! * **planted leaders** ([`LEADER_SHARE`] of each community) therefore receive replies, shares
//!   and mentions from many distinct members; they are written to `leaders.csv`;
//! * transactions: per-customer spend level log-normal(σ = 1) with a weak ×1.3 bump for leaders,
//!   so a purchase-only ranking finds few leaders;
//! * 1–3 platform identities per customer; ~20 % of interaction ids are written as a
//!   `platform:handle` or a bare handle instead of the customer id;
//! * a few detractors (2 %) post negative sentiment; timestamps are uniform over 2025.
//!
//! Rows are made in chunks of [`CHUNK`] rows, chunk `i` from `rng_for(seed, Generator, i)`,
//! several chunks in parallel and written in chunk order, so files are byte-identical for a
//! seed whatever the thread count, and memory stays O(customers) for any number of rows.
//! Time O(N + M log N), space O(N) (+ a batch of chunk buffers).

use crate::algo::rng::{rng_for, Stream};
use crate::error::{Error, Result};
use crate::ingest::values::days_from_civil;
use rand::Rng;
use rand_pcg::Pcg64;
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Rows per deterministic chunk.
pub const CHUNK: u64 = 1 << 15;
/// Members per circle (clustering unit).
pub const CIRCLE: u64 = 12;
/// Share of each community's customers planted as opinion leaders.
pub const LEADER_SHARE: f64 = 0.03;
/// Default number of customers.
pub const DEFAULT_CUSTOMERS: u64 = 300;
/// Default number of interactions.
pub const DEFAULT_INTERACTIONS: u64 = 3000;
/// Default number of brand accounts.
pub const DEFAULT_BRANDS: u64 = 5;

const PLATFORMS: [&str; 5] = ["instagram", "tiktok", "x", "youtube", "forum"];
const WORDS: [&str; 16] = [
    "sunny", "maple", "river", "pixel", "echo", "lumen", "cedar", "nova", "atlas", "willow",
    "ember", "coral", "onyx", "sage", "birch", "delta",
];
const SEGMENTS: [&str; 4] = ["new", "regular", "vip", "lapsed"];
const CATEGORIES: [&str; 6] = [
    "skincare",
    "makeup",
    "haircare",
    "fragrance",
    "body",
    "tools",
];
/// 2025-01-01T00:00:00Z.
const T0: i64 = 1_735_689_600;
const YEAR: i64 = 365 * 86_400;

/// Parameters of `kolgraph generate`.
#[derive(Debug, Clone, clap::Args, Serialize)]
pub struct GenerateConfig {
    /// Number of customers.
    #[arg(long, default_value_t = DEFAULT_CUSTOMERS)]
    pub customers: u64,
    /// Number of interaction rows.
    #[arg(long, default_value_t = DEFAULT_INTERACTIONS)]
    pub interactions: u64,
    /// Number of brand accounts (one staff account is made per brand).
    #[arg(long, default_value_t = DEFAULT_BRANDS)]
    pub brands: u64,
    /// Number of communities (default: one per ~60 customers).
    #[arg(long)]
    pub communities: Option<u64>,
    /// Transactions per customer on average.
    #[arg(long, default_value_t = 3.0)]
    pub orders_per_customer: f64,
    /// Gzip every file (`.csv.gz`).
    #[arg(long)]
    pub gzip: bool,
}

impl Default for GenerateConfig {
    fn default() -> Self {
        GenerateConfig {
            customers: DEFAULT_CUSTOMERS,
            interactions: DEFAULT_INTERACTIONS,
            brands: DEFAULT_BRANDS,
            communities: None,
            orders_per_customer: 3.0,
            gzip: false,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct GenerateSummary {
    /// Parameters used.
    pub config: GenerateConfig,
    /// Seed used.
    pub seed: u64,
    /// Communities made.
    pub communities: u64,
    /// Planted leaders.
    pub leaders: u64,
    /// Transactions written.
    pub transactions: u64,
    /// Files written.
    pub files: Vec<PathBuf>,
}

struct World {
    n: u64,
    width: usize,
    /// Community start offsets (len C + 1); customers of c are start[c]..start[c+1].
    start: Vec<u64>,
    /// Cumulative activity (len N).
    cum: Vec<f64>,
    leader: Vec<bool>,
    /// Leaders per community.
    leaders: Vec<Vec<u64>>,
    detractor: Vec<bool>,
    /// Bit set of platforms each customer has a handle on.
    platforms: Vec<u8>,
    brands: u64,
}

impl World {
    fn community_of(&self, v: u64) -> usize {
        self.start.partition_point(|&s| s <= v) - 1
    }
    fn brand_led(c: usize) -> bool {
        c % 3 == 0
    }
    fn cid(&self, v: u64) -> String {
        format!("c{:0w$}", v, w = self.width)
    }
    fn handle(&self, v: u64, p: usize) -> String {
        let h = crate::algo::rng::hash3(v, p as u64, 0x4A4D);
        format!("{}{}", WORDS[(h % WORDS.len() as u64) as usize], v)
    }
    fn sample_active(&self, rng: &mut Pcg64) -> u64 {
        let total = self.cum[self.cum.len() - 1];
        let x = rng.gen::<f64>() * total;
        (self.cum.partition_point(|&c| c <= x) as u64).min(self.n - 1)
    }
}

fn pareto(rng: &mut Pcg64, alpha: f64) -> f64 {
    let u: f64 = rng.gen::<f64>();
    (1.0 - u).powf(-1.0 / alpha)
}

fn normal(rng: &mut Pcg64) -> f64 {
    // Box–Muller; one value per call is enough here.
    let u1: f64 = rng.gen::<f64>().max(1e-300);
    let u2: f64 = rng.gen::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `YYYY-MM-DDTHH:MM:SSZ` without chrono (hot loop).
fn push_ts(out: &mut String, t: i64) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    debug_assert_eq!(days_from_civil(y, m, d), days);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    );
}

struct Files {
    dir: PathBuf,
    gzip: bool,
    written: Vec<PathBuf>,
}

impl Files {
    fn create(&mut self, name: &str) -> Result<Box<dyn Write>> {
        let p = self.dir.join(if self.gzip {
            format!("{name}.gz")
        } else {
            name.to_string()
        });
        let f = std::fs::File::create(&p).map_err(|e| Error::io("creating", &p, e))?;
        let w = std::io::BufWriter::with_capacity(1 << 20, f);
        self.written.push(p);
        Ok(if self.gzip {
            // Fixed compression level and no file name/mtime in the header: gzip output is
            // deterministic too.
            Box::new(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::new(6),
            ))
        } else {
            Box::new(w)
        })
    }
}

fn io(p: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io("writing", p, e)
}

/// Generate a dataset folder.
///
/// # Errors
/// Invalid parameters (no customers, fewer than 2 customers per community, no brands) or I/O.
pub fn generate(cfg: &GenerateConfig, seed: u64, out: &Path) -> Result<GenerateSummary> {
    if cfg.customers < 10 {
        return Err(Error::param("--customers", cfg.customers, "at least 10"));
    }
    if cfg.brands == 0 || cfg.brands > 10_000 {
        return Err(Error::param("--brands", cfg.brands, "1 to 10000"));
    }
    if !(cfg.orders_per_customer.is_finite() && cfg.orders_per_customer >= 0.0) {
        return Err(Error::param(
            "--orders-per-customer",
            cfg.orders_per_customer,
            "a non-negative number",
        ));
    }
    let n = cfg.customers;
    let c_count = cfg.communities.unwrap_or((n / 60).max(1));
    if c_count == 0 || c_count * 5 > n {
        return Err(Error::param(
            "--communities",
            c_count,
            format!("1 to {} (at least 5 customers per community)", n / 5),
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io("creating", out, e))?;
    let mut files = Files {
        dir: out.to_path_buf(),
        gzip: cfg.gzip,
        written: Vec::new(),
    };

    // --- world: communities, activity, leaders, detractors, platforms (stream unit 0).
    let mut rng = rng_for(seed, Stream::Generator, 0);
    let weights: Vec<f64> = (0..c_count).map(|_| pareto(&mut rng, 2.0)).collect();
    let wsum: f64 = weights.iter().sum();
    let free = n - 5 * c_count;
    let mut sizes: Vec<u64> = weights
        .iter()
        .map(|w| 5 + (w / wsum * free as f64).floor() as u64)
        .collect();
    let mut left = n - sizes.iter().sum::<u64>();
    let mut i = 0;
    let nc = sizes.len();
    while left > 0 {
        sizes[i % nc] += 1;
        left -= 1;
        i += 1;
    }
    let mut start = vec![0u64];
    for s in &sizes {
        start.push(start[start.len() - 1] + s);
    }
    let mut cum = Vec::with_capacity(n as usize);
    let mut acc = 0.0;
    for _ in 0..n {
        acc += pareto(&mut rng, 1.8).min(1e4);
        cum.push(acc);
    }
    let mut leader = vec![false; n as usize];
    let mut leaders = Vec::with_capacity(c_count as usize);
    for c in 0..c_count as usize {
        let (a, b) = (start[c], start[c + 1]);
        let k = ((b - a) as f64 * LEADER_SHARE).round().max(1.0) as u64;
        let mut ls = Vec::new();
        while (ls.len() as u64) < k {
            let v = rng.gen_range(a..b);
            if !leader[v as usize] {
                leader[v as usize] = true;
                ls.push(v);
            }
        }
        ls.sort_unstable();
        leaders.push(ls);
    }
    let detractor: Vec<bool> = (0..n)
        .map(|v| !leader[v as usize] && rng.gen::<f64>() < 0.02)
        .collect();
    let platforms: Vec<u8> = (0..n)
        .map(|_| {
            let first = rng.gen_range(0..PLATFORMS.len());
            let mut bits = 1u8 << first;
            for _ in 0..2 {
                if rng.gen::<f64>() < 0.4 {
                    bits |= 1 << rng.gen_range(0..PLATFORMS.len());
                }
            }
            bits
        })
        .collect();
    let width = format!("{}", n.saturating_sub(1)).len().max(4);
    let world = World {
        n,
        width,
        start,
        cum,
        leader,
        leaders,
        detractor,
        platforms,
        brands: cfg.brands,
    };

    // --- customers.csv, identities.csv, leaders.csv, communities.csv, accounts.csv
    let mut spend = Vec::with_capacity(n as usize);
    {
        let mut w = files.create("customers.csv")?;
        let p = files.written[files.written.len() - 1].clone();
        writeln!(w, "id,name,segment,joined_at,clv").map_err(io(&p))?;
        for v in 0..n {
            let lvl =
                (3.5 + normal(&mut rng)).exp() * if world.leader[v as usize] { 1.3 } else { 1.0 };
            spend.push(lvl);
            let seg = if lvl > 120.0 {
                SEGMENTS[2]
            } else if rng.gen::<f64>() < 0.15 {
                SEGMENTS[3]
            } else if rng.gen::<f64>() < 0.3 {
                SEGMENTS[0]
            } else {
                SEGMENTS[1]
            };
            let joined = T0 - rng.gen_range(0..3 * YEAR);
            let mut line = String::with_capacity(64);
            let _ = write!(
                line,
                "{},{} {},{},",
                world.cid(v),
                capitalize(WORDS[(v as usize * 7 + 3) % WORDS.len()]),
                capitalize(WORDS[(crate::algo::rng::mix64(seed ^ v) % 16) as usize]),
                seg
            );
            push_ts(&mut line, joined);
            let _ = write!(
                line,
                ",{:.2}",
                lvl * (cfg.orders_per_customer.max(1.0)) * 2.0
            );
            writeln!(w, "{line}").map_err(io(&p))?;
        }
        w.flush().map_err(io(&p))?;
    }
    {
        let mut w = files.create("identities.csv")?;
        let p = files.written[files.written.len() - 1].clone();
        writeln!(w, "customer_id,platform,handle").map_err(io(&p))?;
        for v in 0..n {
            for (pi, pn) in PLATFORMS.iter().enumerate() {
                if world.platforms[v as usize] & (1 << pi) != 0 {
                    writeln!(w, "{},{},{}", world.cid(v), pn, world.handle(v, pi))
                        .map_err(io(&p))?;
                }
            }
        }
        w.flush().map_err(io(&p))?;
    }
    let mut n_leaders = 0;
    {
        let mut w = files.create("leaders.csv")?;
        let p = files.written[files.written.len() - 1].clone();
        writeln!(w, "customer_id,community").map_err(io(&p))?;
        for (c, ls) in world.leaders.iter().enumerate() {
            for &v in ls {
                writeln!(w, "{},{}", world.cid(v), c).map_err(io(&p))?;
                n_leaders += 1;
            }
        }
        w.flush().map_err(io(&p))?;
    }
    {
        let mut w = files.create("communities.csv")?;
        let p = files.written[files.written.len() - 1].clone();
        writeln!(w, "customer_id,community,led_by").map_err(io(&p))?;
        for c in 0..c_count as usize {
            let led = if World::brand_led(c) {
                "brand"
            } else {
                "consumer"
            };
            for v in world.start[c]..world.start[c + 1] {
                writeln!(w, "{},{},{}", world.cid(v), c, led).map_err(io(&p))?;
            }
        }
        w.flush().map_err(io(&p))?;
    }
    {
        let mut w = files.create("accounts.csv")?;
        let p = files.written[files.written.len() - 1].clone();
        writeln!(w, "id,name,platform,kind").map_err(io(&p))?;
        for b in 0..cfg.brands {
            let pl = PLATFORMS[(b % PLATFORMS.len() as u64) as usize];
            writeln!(w, "brand{b},Brand {b} official,{pl},brand").map_err(io(&p))?;
        }
        for b in 0..cfg.brands {
            let pl = PLATFORMS[(b % PLATFORMS.len() as u64) as usize];
            writeln!(w, "staff{b},Brand {b} community manager,{pl},staff").map_err(io(&p))?;
        }
        w.flush().map_err(io(&p))?;
    }

    // --- interactions.csv, in parallel chunks written in order.
    {
        let mut w = files.create("interactions.csv")?;
        let p = files.written[files.written.len() - 1].clone();
        writeln!(w, "source,target,kind,platform,timestamp,sentiment").map_err(io(&p))?;
        let chunks = cfg.interactions.div_ceil(CHUNK);
        let batch = 64u64;
        let mut c0 = 0;
        while c0 < chunks {
            let c1 = (c0 + batch).min(chunks);
            let bufs: Vec<String> = (c0..c1)
                .into_par_iter()
                .map(|ci| {
                    let rows = CHUNK.min(cfg.interactions - ci * CHUNK);
                    interaction_chunk(&world, seed, ci, rows)
                })
                .collect();
            for b in bufs {
                w.write_all(b.as_bytes()).map_err(io(&p))?;
            }
            c0 = c1;
        }
        w.flush().map_err(io(&p))?;
    }

    // --- transactions.csv
    let mut n_tx = 0u64;
    {
        let mut w = files.create("transactions.csv")?;
        let p = files.written[files.written.len() - 1].clone();
        writeln!(w, "customer_id,timestamp,amount,order_id,category").map_err(io(&p))?;
        let mut trng = rng_for(seed, Stream::Generator, u64::MAX);
        let mut line = String::with_capacity(96);
        for v in 0..n {
            // Geometric-ish order count with the requested mean.
            let mean = cfg.orders_per_customer;
            let mut k = 0u64;
            if mean > 0.0 {
                let q = mean / (1.0 + mean);
                while trng.gen::<f64>() < q && k < 1000 {
                    k += 1;
                }
            }
            for _ in 0..k {
                let amount = spend[v as usize] * (0.5 * normal(&mut trng)).exp();
                let ts = T0 + trng.gen_range(0..YEAR);
                line.clear();
                let _ = write!(line, "{},", world.cid(v));
                push_ts(&mut line, ts);
                let _ = write!(
                    line,
                    ",{:.2},o{:08},{}",
                    amount,
                    n_tx,
                    CATEGORIES[trng.gen_range(0..CATEGORIES.len())]
                );
                writeln!(w, "{line}").map_err(io(&p))?;
                n_tx += 1;
            }
        }
        w.flush().map_err(io(&p))?;
    }

    Ok(GenerateSummary {
        config: cfg.clone(),
        seed,
        communities: c_count,
        leaders: n_leaders,
        transactions: n_tx,
        files: files.written,
    })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// How a customer is written in a row on `platform`: id, `platform:handle` or bare handle.
fn write_ref(out: &mut String, world: &World, v: u64, platform: usize, rng: &mut Pcg64) {
    let has = world.platforms[v as usize] & (1 << platform) != 0;
    let r: f64 = rng.gen();
    if has && r < 0.1 {
        let _ = write!(out, "{}:{}", PLATFORMS[platform], world.handle(v, platform));
    } else if has && r < 0.2 {
        out.push_str(&world.handle(v, platform));
    } else {
        let _ = write!(out, "c{:0w$}", v, w = world.width);
    }
}

const KINDS_TO_LEADER: [(&str, f64); 5] = [
    ("reply", 0.30),
    ("share", 0.25),
    ("mention", 0.20),
    ("comment", 0.15),
    ("like", 0.10),
];
const KINDS_PEER: [(&str, f64); 9] = [
    ("like", 0.30),
    ("reply", 0.20),
    ("comment", 0.15),
    ("mention", 0.10),
    ("share", 0.08),
    ("follow", 0.07),
    ("message", 0.06),
    ("review", 0.02),
    ("co-create", 0.02),
];

fn pick_kind(rng: &mut Pcg64, table: &[(&'static str, f64)]) -> &'static str {
    let mut x: f64 = rng.gen();
    for &(k, p) in table {
        if x < p {
            return k;
        }
        x -= p;
    }
    table[table.len() - 1].0
}

fn interaction_chunk(world: &World, seed: u64, ci: u64, rows: u64) -> String {
    let mut rng = rng_for(seed, Stream::Generator, 1 + ci);
    let mut out = String::with_capacity(rows as usize * 64);
    for _ in 0..rows {
        let src = world.sample_active(&mut rng);
        let c = world.community_of(src);
        let (a, b) = (world.start[c], world.start[c + 1]);
        // Platform of the row: one the source uses.
        let bits = world.platforms[src as usize];
        let mut plat = rng.gen_range(0..PLATFORMS.len());
        while bits & (1 << plat) == 0 {
            plat = (plat + 1) % PLATFORMS.len();
        }
        let brand_led = World::brand_led(c);
        // Each brand-led community has its own brand, but any brand may show up there.
        let brand = if rng.gen::<f64>() < 0.3 {
            rng.gen_range(0..world.brands)
        } else {
            (c as u64 / 3) % world.brands
        };
        let r: f64 = rng.gen();
        // Brand-side rows in brand-led communities: the brand/staff account acts on a member
        // (or a member replies to the brand).
        let mut sentiment_src = src;
        let kind;
        if brand_led && r < 0.06 {
            let acct = if rng.gen::<bool>() { "brand" } else { "staff" };
            let tgt = rng.gen_range(a..b);
            let _ = write!(out, "{acct}{brand},");
            write_ref(&mut out, world, tgt, plat, &mut rng);
            kind = pick_kind(&mut rng, &KINDS_PEER);
            sentiment_src = u64::MAX;
        } else if brand_led && r < 0.14 {
            write_ref(&mut out, world, src, plat, &mut rng);
            let acct = if rng.gen::<f64>() < 0.7 {
                "brand"
            } else {
                "staff"
            };
            let _ = write!(out, ",{acct}{brand}");
            kind = pick_kind(&mut rng, &KINDS_TO_LEADER);
        } else {
            let r2: f64 = rng.gen();
            let ls = &world.leaders[c];
            let (tgt, to_leader) = if r2 < 0.36 {
                (ls[rng.gen_range(0..ls.len())], true)
            } else if r2 < 0.78 {
                let circ = a + (src - a) / CIRCLE * CIRCLE;
                let end = (circ + CIRCLE).min(b);
                (rng.gen_range(circ..end), false)
            } else if r2 < 0.95 {
                (rng.gen_range(a..b), false)
            } else {
                (rng.gen_range(0..world.n), false)
            };
            let tgt = if tgt == src {
                // Rare self-interactions stay (real data has them) but most resample once.
                if rng.gen::<f64>() < 0.9 {
                    rng.gen_range(a..b)
                } else {
                    tgt
                }
            } else {
                tgt
            };
            write_ref(&mut out, world, src, plat, &mut rng);
            out.push(',');
            write_ref(&mut out, world, tgt, plat, &mut rng);
            kind = if to_leader || world.leader[tgt as usize] {
                pick_kind(&mut rng, &KINDS_TO_LEADER)
            } else {
                pick_kind(&mut rng, &KINDS_PEER)
            };
        }
        let _ = write!(out, ",{kind},{},", PLATFORMS[plat]);
        push_ts(&mut out, T0 + rng.gen_range(0..YEAR));
        out.push(',');
        let detractor = sentiment_src != u64::MAX && world.detractor[sentiment_src as usize];
        if detractor {
            let s = -0.3 - 0.7 * rng.gen::<f64>();
            let _ = write!(out, "{s:.2}");
        } else if rng.gen::<f64>() < 0.6 {
            let s = -0.2 + 1.2 * rng.gen::<f64>();
            let _ = write!(out, "{s:.2}");
        }
        out.push('\n');
    }
    out
}
