//! indicatif progress bars on stderr, drawn only when stderr is a terminal.

use crate::algo::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// A progress bar implementing the library's `Progress` trait.
#[derive(Debug)]
pub struct Bar {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    /// A bar; `enabled` = the user allowed progress output.
    pub fn new(enabled: bool) -> Self {
        Bar {
            enabled: enabled && std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
        }
    }
}

impl Progress for Bar {
    fn start(&self, phase: &str, total: u64) {
        if !self.enabled {
            return;
        }
        let pb = if total > 0 {
            ProgressBar::new(total)
        } else {
            ProgressBar::new_spinner()
        };
        pb.set_draw_target(ProgressDrawTarget::stderr());
        let style = if total > 0 {
            ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} ({eta})")
        } else {
            ProgressStyle::with_template("{msg:>14} {spinner} {pos} {elapsed}")
        };
        if let Ok(s) = style {
            pb.set_style(s.progress_chars("=> "));
        }
        pb.set_message(phase.to_string());
        if let Ok(mut g) = self.bar.lock() {
            *g = Some(pb);
        }
    }
    fn inc(&self, n: u64) {
        if let Ok(g) = self.bar.lock() {
            if let Some(pb) = g.as_ref() {
                pb.inc(n);
            }
        }
    }
    fn finish(&self) {
        if let Ok(mut g) = self.bar.lock() {
            if let Some(pb) = g.take() {
                pb.finish_and_clear();
            }
        }
    }
}
