//! Reading a config: a regular file of at most 1 MiB, YAML that is not too costly to
//! parse (nesting, aliases), every unknown key at once with a suggestion, then the
//! values and their ranges.

use super::{Config, ConfigError, ConfigErrors, Overrides};
use std::io::Read as _;
use std::path::Path;

/// The largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Deepest nesting of flow collections (`[ ]`, `{ }`) accepted: the parser's time grows
/// with the square of the depth (100 000 levels took 33 s), and a config needs 3.
const MAX_FLOW_DEPTH: usize = 32;

/// Removes from `value` every key that `known` (the default config as YAML) lacks,
/// recording each as (path, message); lists are checked against their first default item.
fn strip_unknown(
    value: &mut serde_yaml::Value,
    known: &serde_yaml::Value,
    path: &str,
    found: &mut Vec<(String, String)>,
) {
    use serde_yaml::Value;
    match (value, known) {
        (Value::Mapping(map), Value::Mapping(known_map)) => {
            let expected: Vec<String> = known_map
                .keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect();
            map.retain(|k, _| {
                let name = k.as_str().map_or_else(|| format!("{k:?}"), str::to_string);
                let ok = known_map.contains_key(k);
                if !ok {
                    let close = expected.iter().find(|e| edit_distance(e, &name) <= 2);
                    let hint = close
                        .map(|c| format!("did you mean {c}? "))
                        .unwrap_or_default();
                    let at = if path.is_empty() {
                        name
                    } else {
                        format!("{path}.{name}")
                    };
                    let list = expected.join(", ");
                    found.push((at, format!("unknown key; {hint}expected one of {list}")));
                }
                ok
            });
            for (k, v) in map.iter_mut() {
                if let (Some(name), Some(kv)) = (k.as_str(), known_map.get(k)) {
                    let at = if path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                    strip_unknown(v, kv, &at, found);
                }
            }
        }
        (Value::Sequence(items), Value::Sequence(known_items)) => {
            if let Some(template) = known_items.first() {
                for (i, item) in items.iter_mut().enumerate() {
                    strip_unknown(item, template, &format!("{path}[{i}]"), found);
                }
            }
        }
        _ => {}
    }
}

/// Levenshtein distance of two short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// Most YAML aliases (`*name`) accepted: a config needs none, and each alias of a big
/// mapping is expanded again (40 000 aliases of one mapping kept the parser busy for
/// over 30 s).
const MAX_ALIASES: usize = 64;

/// What makes `text` too costly to parse, and where (line, column, 1-based): flow
/// collections nested deeper than [`MAX_FLOW_DEPTH`], or more than [`MAX_ALIASES`]
/// aliases; quoted text and comments are skipped.
fn too_costly(text: &str) -> Option<(usize, usize, String)> {
    let mut depth = 0usize;
    let mut aliases = 0usize;
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut escaped = false;
        // The last character outside quotes that was not a space: an alias starts a node.
        let mut before = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some('"'), '\\') if !escaped => {
                    escaped = true;
                    continue;
                }
                (Some(q), c) if c == q && !escaped => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((
                            n + 1,
                            col + 1,
                            format!(
                                "expected at most {MAX_FLOW_DEPTH} nested [ ] or {{ }} (the config is a few levels deep)"
                            ),
                        ));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                (None, '*') if matches!(before, None | Some(':' | '-' | '[' | '{' | ',' | '?')) => {
                    aliases += 1;
                    if aliases > MAX_ALIASES {
                        return Some((
                            n + 1,
                            col + 1,
                            format!(
                                "expected at most {MAX_ALIASES} YAML aliases (*name); the config needs none"
                            ),
                        ));
                    }
                }
                (None, _) => {}
            }
            if quote.is_none() && !c.is_whitespace() {
                before = Some(c);
            }
            escaped = false;
        }
    }
    None
}

/// Most values of the wrong type reported from one file (each is replaced by its default
/// and the file read again).
const MAX_TYPE_ERRORS: usize = 64;

/// A deserializer's message without serde_yaml's own path prefix and location suffix
/// (ours are better).
fn tidy(message: &str) -> String {
    let mut message = message.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    if let Some((prefix, rest)) = message.split_once(": ")
        && !prefix.contains(' ')
    {
        message = rest.to_string();
    }
    message
}

/// Replaces the node at `path` (`global.seed`, `global.companies[1].code`) in `value`
/// with the default's node there (a list item's default is the default list's first
/// item); false when the path leads nowhere (the file could not be read further).
fn replace_with_default(
    value: &mut serde_yaml::Value,
    known: &serde_yaml::Value,
    path: &str,
) -> bool {
    use serde_yaml::Value;
    if path.is_empty() || path == "." {
        return false;
    }
    let mut node = value;
    let mut default = known;
    for segment in path.split('.') {
        let (name, indexes) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            let (Value::Mapping(map), Value::Mapping(known_map)) = (node, default) else {
                return false;
            };
            let key = Value::String(name.to_string());
            let Some(d) = known_map.get(&key) else {
                return false;
            };
            default = d;
            node = map.entry(key).or_insert(Value::Null);
        }
        for index in indexes.split(']').filter_map(|i| i.strip_prefix('[')) {
            let Ok(i) = index.parse::<usize>() else {
                return false;
            };
            let (Value::Sequence(items), Value::Sequence(known_items)) = (node, default) else {
                return false;
            };
            let (Some(item), Some(d)) = (items.get_mut(i), known_items.first()) else {
                return false;
            };
            node = item;
            default = d;
        }
    }
    if node == default {
        return false;
    }
    *node = default.clone();
    true
}

impl Config {
    /// Parses YAML; `file` only names the source in errors.
    pub fn from_yaml(text: &str, file: Option<&Path>) -> Result<Self, ConfigErrors> {
        Self::from_yaml_with(text, file, &Overrides::default()).map(|(c, _)| c)
    }

    /// As [`Config::from_yaml`], with `overrides` applied before the ranges are checked
    /// (a flag may make a value valid: `--format parquet` for `compression: snappy`);
    /// also returns the log of the overrides.
    pub fn from_yaml_with(
        text: &str,
        file: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<(Self, Vec<String>), ConfigErrors> {
        if let Some((line, column, message)) = too_costly(text) {
            return Err(ConfigErrors(vec![ConfigError {
                file: file.map(Path::to_path_buf),
                path: "(file)".into(),
                message,
                location: Some((line, column)),
            }]));
        }
        // Every problem at once, in file order: unknown keys (removed), then each value
        // of the wrong type (reported, then replaced by its default so that the rest
        // can be read), then the ranges of what was read.
        let known = serde_yaml::to_value(Config::default()).ok();
        if let (Ok(mut value), Some(known)) =
            (serde_yaml::from_str::<serde_yaml::Value>(text), known)
        {
            if value.is_null() {
                value = serde_yaml::Value::Mapping(Default::default());
            }
            let at = |path: String, message: String| ConfigError {
                file: file.map(Path::to_path_buf),
                location: locate(text, &path),
                path,
                message,
            };
            let mut unknown = Vec::new();
            strip_unknown(&mut value, &known, "", &mut unknown);
            let mut errors: Vec<ConfigError> = unknown.into_iter().map(|(p, m)| at(p, m)).collect();
            let mut read = None;
            for _ in 0..MAX_TYPE_ERRORS {
                match serde_path_to_error::deserialize::<_, Config>(value.clone()) {
                    Ok(c) => {
                        read = Some(c);
                        break;
                    }
                    Err(e) => {
                        let path = e.path().to_string();
                        let message = tidy(&e.into_inner().to_string());
                        let replaced = replace_with_default(&mut value, &known, &path);
                        errors.push(at(path, message));
                        if !replaced {
                            break;
                        }
                    }
                }
            }
            if let Some(mut config) = read {
                let log = config.apply(overrides);
                match config.check_with(file, Some(text)) {
                    Ok(()) if errors.is_empty() => return Ok((config, log)),
                    Ok(()) => {}
                    Err(more) => errors.extend(more.0),
                }
            }
            errors.sort_by_key(|e| e.location.unwrap_or((usize::MAX, 0)));
            return Err(ConfigErrors(errors));
        }
        // Not YAML that parses (or no default to compare with): the deserializer's one
        // error, with its location.
        let de = serde_yaml::Deserializer::from_str(text);
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = tidy(&inner.to_string());
            let location =
                locate(text, &path).or_else(|| inner.location().map(|l| (l.line(), l.column())));
            ConfigErrors(vec![ConfigError {
                file: file.map(Path::to_path_buf),
                path,
                message,
                location,
            }])
        })?;
        let mut config = config;
        let log = config.apply(overrides);
        config.check_with(file, Some(text))?;
        Ok((config, log))
    }

    /// Checks every range; all problems at once, with field paths.
    pub fn check(&self) -> Result<(), ConfigErrors> {
        self.check_with(None, None)
    }

    /// As [`Config::check`], naming `file` and locating each problem in `text`.
    fn check_with(&self, file: Option<&Path>, text: Option<&str>) -> Result<(), ConfigErrors> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        Err(ConfigErrors(
            problems
                .into_iter()
                .map(|(path, message)| ConfigError {
                    file: file.map(Path::to_path_buf),
                    location: text.and_then(|t| locate(t, &path)),
                    path,
                    message,
                })
                .collect(),
        ))
    }

    /// Reads and parses a YAML file.
    ///
    /// Only a regular file of at most [`MAX_CONFIG_BYTES`] is read: a device, a FIFO or
    /// a directory is refused before it is opened, so nothing blocks or reads forever.
    pub fn from_file(path: &Path) -> Result<Self, ConfigErrors> {
        Self::from_file_with(path, &Overrides::default()).map(|(c, _)| c)
    }

    /// As [`Config::from_file`], with `overrides` applied before the ranges are checked;
    /// also returns the log of the overrides.
    pub fn from_file_with(
        path: &Path,
        overrides: &Overrides,
    ) -> Result<(Self, Vec<String>), ConfigErrors> {
        let fail = |message: String| {
            ConfigErrors(vec![ConfigError {
                file: Some(path.to_path_buf()),
                path: "(file)".into(),
                message,
                location: None,
            }])
        };
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => fail("no such file".into()),
            _ => fail(format!("cannot read the config file: {e}")),
        })?;
        if !meta.is_file() {
            return Err(fail(
                "expected a regular file (not a directory, device or pipe)".into(),
            ));
        }
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(fail(format!(
                "expected a config file of at most 1 MiB, got {} bytes",
                meta.len()
            )));
        }
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| std::io::Read::take(f, MAX_CONFIG_BYTES + 1).read_to_string(&mut text))
            .map_err(|e| fail(format!("cannot read the config file: {e}")))?;
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(fail("expected a config file of at most 1 MiB".into()));
        }
        Self::from_yaml_with(&text, Some(path), overrides)
    }
}

/// Finds the line and column of the value at `path` (e.g. `global.memory_limit`) in
/// block-style YAML, for error messages. `None` when it cannot tell.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let segments: Vec<&str> = path
        .split('.')
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect();
    let mut parent_indent: isize = -1;
    let mut found = None;
    let mut start = 0;
    let lines: Vec<&str> = text.lines().collect();
    for seg in segments {
        found = None;
        for (i, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = (line.len() - trimmed.len()) as isize;
            if indent <= parent_indent {
                break;
            }
            if let Some(rest) = trimmed.strip_prefix(seg)
                && rest.trim_start().starts_with(':')
            {
                let after = rest.trim_start()[1..].trim_start();
                let column = if after.is_empty() || after.starts_with('#') {
                    indent as usize + 1
                } else {
                    line.len() - after.len() + 1
                };
                found = Some((i + 1, column));
                parent_indent = indent;
                start = i + 1;
                break;
            }
        }
        found?;
    }
    found
}
