//! Helpers shared by the binary's hostile tests: run it, wait for it with a deadline,
//! read its output, mount a small disk.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_synthdata"));
    c.env("RUST_LOG", "info");
    c
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("synthdata runs")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Waits for `child` at most `secs`; a child that outlives it is killed and the test fails.
pub fn wait_at_most(mut child: Child, secs: u64) -> Output {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("synthdata still running after {secs} s: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn spawn(dir: &Path, args: &[&str]) -> Child {
    bin()
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns")
}

/// A tmpfs of `size` on a fresh directory, unmounted on drop; `None` without root.
pub struct SmallDisk(pub tempfile::TempDir);

impl SmallDisk {
    /// Mounts it.
    pub fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Self(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

/// The address a child's health server bound (`--health-addr 127.0.0.1:0`), from its log
/// line, read as the child prints it; the rest of its stderr keeps being drained (and
/// echoed to the test's) so it never blocks on a full pipe. No port is picked before the child starts.
pub fn server_address(child: &mut Child) -> String {
    use std::io::BufRead;
    let stderr = child.stderr.take().expect("stderr piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            // Shown with a failing test's output.
            eprintln!("child: {line}");
            if let Some(rest) = line.split("serving http://").nth(1) {
                let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the server's address in the log")
}
