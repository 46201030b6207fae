//! `cargo xtask rooms [--check]`: how the workspace keeps its rooms. Per crate: the
//! files that import each other in a circle (through `crate::` paths, grouped
//! `use crate::{...}` and the crate root's re-exports; comments and test modules
//! aside), functions over 150 lines, files over 800 lines, and library code that
//! names a command-line flag in a string. `--check` fails on a circle or a flag, so
//! none comes back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest function reported as fine.
const MAX_FN_LINES: usize = 150;
/// Longest file reported as fine.
const MAX_FILE_LINES: usize = 800;

/// What `rooms` found in one crate.
#[derive(Debug, Default)]
pub struct Findings {
    /// Groups of modules that import each other, directly or in a circle.
    pub cycles: Vec<Vec<String>>,
    /// (file, function, lines) over [`MAX_FN_LINES`].
    pub long_fns: Vec<(String, String, usize)>,
    /// (file, lines) over [`MAX_FILE_LINES`].
    pub long_files: Vec<(String, usize)>,
    /// (file, line) of a string that names a command-line flag (`"--out"`): only the
    /// CLI's `hints.rs` and argument definitions may.
    pub flags: Vec<(String, usize)>,
}

/// Runs the report over `root/crates/*/src`; `check` makes a circle an error.
pub fn rooms(root: &Path, check: bool) -> Result<(), String> {
    let crates = root.join("crates");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&crates)
        .map_err(|e| format!("cannot list {}: {e}", crates.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    names.sort();
    let mut circles = 0;
    let mut flags = 0;
    for krate in names {
        let name = krate
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let f = scan(&krate.join("src"))?;
        for c in &f.cycles {
            println!("{name}: circle {}", c.join(" -> "));
        }
        for (file, fun, n) in &f.long_fns {
            println!("{name}: fn {fun} is {n} lines ({file})");
        }
        for (file, n) in &f.long_files {
            println!("{name}: {file} is {n} lines");
        }
        circles += f.cycles.len();
        // The binary names its flags; the libraries name config keys.
        if name != "cli" {
            for (file, line) in &f.flags {
                println!("{name}: {file}:{line} names a command-line flag");
            }
            flags += f.flags.len();
        }
    }
    println!("{circles} circles of files that import each other");
    println!("{flags} flags named by library crates");
    if check && (circles > 0 || flags > 0) {
        return Err(format!(
            "{circles} circles of files that import each other, {flags} flags named by library crates"
        ));
    }
    Ok(())
}

/// The findings of one crate's `src`.
pub fn scan(src: &Path) -> Result<Findings, String> {
    let mut files = Vec::new();
    walk(src, &mut files)?;
    files.sort();
    let modules: BTreeMap<String, PathBuf> = files
        .iter()
        .map(|f| (module_of(src, f), f.clone()))
        .collect();
    let reexports = match modules.get("") {
        Some(lib) => reexports(&read(lib)?),
        None => BTreeMap::new(),
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut findings = Findings::default();
    for (module, file) in &modules {
        let text = read(file)?;
        let rel = file
            .strip_prefix(src.parent().unwrap_or(src))
            .unwrap_or(file)
            .display()
            .to_string();
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            findings.long_files.push((rel.clone(), lines));
        }
        for (fun, n) in long_functions(&text) {
            findings.long_fns.push((rel.clone(), fun, n));
        }
        let code = code_of(&text);
        for (n, line) in code.lines().enumerate() {
            // `--word` after a quote, a space, a bracket or a backtick.
            let flag = line.match_indices("--").any(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + 2..].chars().next();
                matches!(before, Some('"' | ' ' | '(' | '`'))
                    && after.is_some_and(|c| c.is_ascii_lowercase())
                    // The one list of config keys declares each key's flag: `.flag("--x")`.
                    && !line[..at].ends_with(".flag(\"")
            });
            if flag {
                findings.flags.push((rel.clone(), n + 1));
            }
        }
        let targets = edges.entry(module.clone()).or_default();
        for path in crate_paths(&code) {
            let mut parts: Vec<&str> = path.split("::").collect();
            if let Some(m) = parts.first().and_then(|p| reexports.get(*p))
                && !modules.contains_key(parts[0])
            {
                let resolved: Vec<&str> = m.split("::").collect();
                parts = resolved;
            }
            // The longest prefix that is a module of the crate.
            for k in (1..=parts.len()).rev() {
                let candidate = parts[..k].join("::");
                if modules.contains_key(&candidate) {
                    if candidate != *module {
                        targets.insert(candidate);
                    }
                    break;
                }
            }
        }
    }
    findings.cycles = cycles(&edges);
    Ok(findings)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for e in std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))? {
        let path = e.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `a::b` for `src/a/b.rs` or `src/a/b/mod.rs`; `` for `lib.rs` and `main.rs`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The text without comments, and without the test module at its end.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b` path and every path of a `use crate::{...}` group.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            for item in group[..end].split([',', '{', '}', '\n']) {
                let item = item.trim().trim_start_matches("self::");
                if !item.is_empty() {
                    out.push(item.split(" as ").next().unwrap_or(item).to_string());
                }
            }
        } else {
            let end = after.find(|c: char| !ident(c)).unwrap_or(after.len());
            out.push(after[..end].trim_end_matches(':').to_string());
        }
        rest = after;
    }
    out
}

/// The crate root's `pub use m::{A, B}` and `pub use m::A`: name → module path.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let code = code_of(lib);
    for stmt in code.split(';') {
        let Some(body) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let body = body.trim_start_matches("crate::");
        match body.split_once("::{") {
            Some((module, names)) => {
                for n in names.trim_end_matches('}').split(',') {
                    let n = n.trim();
                    if !n.is_empty() {
                        out.insert(n.to_string(), module.to_string());
                    }
                }
            }
            None => {
                if let Some((module, n)) = body.rsplit_once("::") {
                    out.insert(n.trim().to_string(), module.to_string());
                }
            }
        }
    }
    out
}

/// Functions longer than [`MAX_FN_LINES`]: from `fn` to the brace that closes it at the
/// same indentation.
fn long_functions(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let trimmed = l.trim_start();
        let indent = &l[..l.len() - trimmed.len()];
        let after_vis = trimmed
            .strip_prefix("pub(crate) ")
            .or_else(|| trimmed.strip_prefix("pub(super) "))
            .or_else(|| trimmed.strip_prefix("pub "))
            .unwrap_or(trimmed);
        let after_kw = after_vis
            .strip_prefix("const ")
            .unwrap_or(after_vis)
            .strip_prefix("fn ");
        // A declaration without a body (a trait's) ends with `;` before any `{`.
        let declaration = || {
            lines[i..]
                .iter()
                .map(|l| l.trim_end())
                .find(|l| l.ends_with(';') || l.ends_with('{'))
                .is_some_and(|l| l.ends_with(';'))
        };
        if let Some(sig) = after_kw
            && !declaration()
        {
            let name: String = sig
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let close = format!("{indent}}}");
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim_end() == close)
                .unwrap_or(i);
            if end + 1 - i > MAX_FN_LINES {
                out.push((name, end + 1 - i));
            }
            i = end;
        }
        i += 1;
    }
    out
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        let targets: Vec<&'a str> = s
            .edges
            .get(v)
            .map(|t| t.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for w in targets {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("writes");
    }

    #[test]
    fn finds_a_circle_through_a_reexport_and_a_group_and_no_other() {
        let dir = std::env::temp_dir().join(format!("rooms-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write(
            &dir,
            "lib.rs",
            "mod a;\nmod b;\nmod c;\npub use b::Thing;\n",
        );
        write(
            &dir,
            "a.rs",
            "use crate::Thing;\n// crate::c::not_an_import\n",
        );
        write(&dir, "b.rs", "use crate::{a::f, c};\n");
        write(
            &dir,
            "c.rs",
            "pub fn g() {}\n#[cfg(test)]\nmod tests { use crate::a::f; }\n",
        );
        let f = scan(&dir).expect("scans");
        assert_eq!(f.cycles, vec![vec!["a".to_string(), "b".to_string()]]);
        let long = format!("fn long() {{\n{}}}\n", "    let x = 1;\n".repeat(200));
        write(&dir, "c.rs", &long);
        let trait_decl = format!(
            "trait T {{\n    fn f(\n        &self,\n    ) -> u8;\n{}}}\n",
            "    const X: u8 = 1;\n".repeat(200)
        );
        write(&dir, "a.rs", &trait_decl);
        let f = scan(&dir).expect("scans");
        assert_eq!(f.long_fns.len(), 1, "{:?}", f.long_fns);
        write(
            &dir,
            "b.rs",
            "fn hint() -> &'static str {\n    \"raise it (--memory-limit)\"\n}\n// \"--not-code\"\n",
        );
        let f = scan(&dir).expect("scans");
        assert_eq!(f.flags.len(), 1, "{:?}", f.flags);
        assert_eq!(f.long_fns[0].1, "long");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
