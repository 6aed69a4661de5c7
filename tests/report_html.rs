//! `kolgraph report` and `kolgraph chart` through the real binary: the report is one
//! self-contained HTML file (no scripts, no network references, every chart inlined as a PNG that
//! decodes to its stated size), it is byte-identical for any thread count, and when Chromium is
//! installed scripts/report-check.sh opens it headless (no console errors, every image renders,
//! screenshot saved).

use base64::Engine as _;
use std::path::Path;
use std::process::Command;

const KARATE: &str = "tests/data/charts/karate.edges.tsv";

fn kolgraph(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kolgraph"))
        .args(args)
        .output()
        .expect("kolgraph runs")
}

fn report(dir: &Path, threads: &str) -> String {
    let out = kolgraph(&[
        "report",
        KARATE,
        "--undirected",
        "--out",
        dir.to_str().expect("utf-8 path"),
        "--threads",
        threads,
        "--no-progress",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(dir.join("report.html")).expect("report.html")
}

#[test]
fn report_is_self_contained_and_deterministic() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let html = report(a.path(), "1");
    assert_eq!(
        html,
        report(b.path(), "2"),
        "report differs between thread counts"
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("<script"),
        "the report must not need scripts"
    );
    for bad in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(bad), "network reference {bad:?}");
    }
    // Every image is an inlined PNG that decodes to the width/height the page states.
    let mut n = 0;
    for part in html.split("<img ").skip(1) {
        let src = part
            .split("src=\"data:image/png;base64,")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("inlined png");
        let attr = |name: &str| -> u32 {
            part.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse().ok())
                .expect("size attribute")
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(src)
            .expect("base64");
        let img = image::load_from_memory(&bytes).expect("png decodes");
        assert_eq!((img.width(), img.height()), (attr("width"), attr("height")));
        n += 1;
    }
    assert_eq!(
        n, 9,
        "degree, lorenz, communities, spread, seeds, quadrant, rankshift, smallworld, ego"
    );
    for section in [
        "Opinion leaders",
        "Communities",
        "Customer importance",
        "Campaign seeds",
        "Hidden influencers",
        "Detractors",
        "SHA-256",
        "Seed: <b>42</b>",
    ] {
        assert!(html.contains(section), "missing {section}");
    }
    // The input hash is the file's SHA-256.
    let sum = kolgraph::output::report::sha256_file(Path::new(KARATE)).expect("hash");
    assert!(html.contains(&sum));
    // Chart files beside the report.
    for k in ["degree", "lorenz", "communities", "ego"] {
        for ext in ["png", "svg", "csv"] {
            assert!(a.path().join(format!("{k}.{ext}")).is_file(), "{k}.{ext}");
        }
    }
}

#[test]
fn report_opens_in_headless_chromium() {
    let has_chromium = ["chromium", "chromium-browser"].iter().any(|c| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    });
    if !has_chromium {
        assert!(
            std::env::var_os("KOLGRAPH_REQUIRE_CHROMIUM").is_none(),
            "KOLGRAPH_REQUIRE_CHROMIUM is set but chromium is not installed"
        );
        eprintln!("skipped: chromium is not installed (apt-get install -y chromium)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    report(dir.path(), "2");
    let out = Command::new("bash")
        .arg("scripts/report-check.sh")
        .arg(dir.path())
        .output()
        .expect("report-check runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("all checks passed"));
    assert!(dir.path().join("report-screenshot.png").is_file());
}

#[test]
fn chart_kind_selects_one_chart_and_quadrant_needs_orders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf-8 path");
    let out = kolgraph(&[
        "chart",
        KARATE,
        "--undirected",
        "--kind",
        "degree",
        "--out",
        d,
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "header + one chart: {stdout}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["degree.csv", "degree.png", "degree.svg"]);
    let out = kolgraph(&[
        "chart",
        KARATE,
        "--undirected",
        "--kind",
        "quadrant",
        "--out",
        d,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("purchase values"));
}

#[test]
fn chart_kinds_from_the_full_analysis_write_exactly_their_files() {
    for kind in ["spread", "seeds", "rankshift", "smallworld"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = kolgraph(&[
            "chart",
            "fixtures/community",
            "--kind",
            kind,
            "--out",
            dir.path().to_str().expect("utf-8 path"),
            "-q",
        ]);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let want: Vec<String> = ["csv", "png", "svg"]
            .iter()
            .map(|e| format!("{kind}.{e}"))
            .collect();
        assert_eq!(names, want, "{kind}");
    }
}
