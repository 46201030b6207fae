//! Bytes kept in 64 KiB blocks, and a closed chunk's pages as parquet-rs reads them back.

use bytes::Bytes;
use parquet::errors::ParquetError;
use std::io::Write;
use std::sync::Arc;

/// Bytes written in blocks of [`BLOCK_BYTES`]: grows without copying what it holds and
/// without the up-to-double slack of a growing `Vec`; emptied, it keeps its blocks for
/// the next row group. Every block but the last is full.
#[derive(Default)]
pub(crate) struct Blocks {
    pub(crate) full: Vec<Vec<u8>>,
    /// Blocks emptied by [`Blocks::clear`], used again before new ones are allocated.
    pub(crate) spare: Vec<Vec<u8>>,
    pub(crate) len: usize,
}

/// Size of one block of [`Blocks`].
pub(crate) const BLOCK_BYTES: usize = 64 << 10;

impl Blocks {
    /// Empties it, keeping its blocks' memory.
    pub(crate) fn clear(&mut self) {
        for mut b in self.full.drain(..) {
            b.clear();
            self.spare.push(b);
        }
        self.len = 0;
    }
}

impl Write for Blocks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            let block = match self.full.last_mut() {
                Some(b) if b.len() < BLOCK_BYTES => b,
                _ => {
                    let b = self
                        .spare
                        .pop()
                        .unwrap_or_else(|| Vec::with_capacity(BLOCK_BYTES));
                    self.full.push(b);
                    let last = self.full.len() - 1;
                    &mut self.full[last]
                }
            };
            let k = (BLOCK_BYTES - block.len()).min(rest.len());
            block.extend_from_slice(&rest[..k]);
            rest = &rest[k..];
        }
        self.len += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A closed chunk's bytes: its dictionary page (if any), then its data pages, as
/// [`parquet::file::writer::SerializedRowGroupWriter::append_column`] reads them.
pub(crate) struct TakenPages(pub(crate) Arc<Taken>);

/// What [`TakenPages`] holds.
pub(crate) struct Taken {
    pub(crate) dictionary: Vec<u8>,
    pub(crate) pages: Blocks,
}

impl Taken {
    pub(crate) fn len(&self) -> usize {
        self.dictionary.len() + self.pages.len
    }
}

impl parquet::file::reader::Length for TakenPages {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
}

impl parquet::file::reader::ChunkReader for TakenPages {
    type T = TakenRead;

    fn get_read(&self, start: u64) -> Result<TakenRead, ParquetError> {
        Ok(TakenRead {
            taken: Arc::clone(&self.0),
            at: usize::try_from(start)
                .unwrap_or(usize::MAX)
                .min(self.0.len()),
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes, ParquetError> {
        let mut out = Vec::with_capacity(length);
        std::io::Read::read_to_end(
            &mut std::io::Read::take(self.get_read(start)?, length as u64),
            &mut out,
        )?;
        Ok(Bytes::from(out))
    }
}

/// Reads [`TakenPages`] from a position on.
pub(crate) struct TakenRead {
    pub(crate) taken: Arc<Taken>,
    pub(crate) at: usize,
}

impl std::io::Read for TakenRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let t = &*self.taken;
        let from: &[u8] = if self.at < t.dictionary.len() {
            &t.dictionary[self.at..]
        } else {
            let at = self.at - t.dictionary.len();
            match t.pages.full.get(at / BLOCK_BYTES) {
                Some(b) => &b[(at % BLOCK_BYTES).min(b.len())..],
                None => &[],
            }
        };
        let k = from.len().min(buf.len());
        buf[..k].copy_from_slice(&from[..k]);
        self.at += k;
        Ok(k)
    }
}
