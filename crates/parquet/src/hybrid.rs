//! Parquet's RLE / bit-packing hybrid (definition levels, dictionary indices), bit
//! packing (booleans), and zstd frames of raw blocks (pages that do not compress).

/// Appends `n` as ULEB128, the hybrid's run headers.
fn uleb128(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Appends `values` bit-packed `width` bits each, least significant bit first, the
/// last byte padded with zeros.
pub(super) fn pack_bits(values: &[u32], width: u8, out: &mut Vec<u8>) {
    let w = usize::from(width);
    // A group of eight values is `w` whole bytes, so groups are packed in a register
    // each and what follows them starts on a byte.
    let mut groups = values.chunks_exact(8);
    if w <= 8 {
        for g in &mut groups {
            let mut acc = 0u64;
            for (k, &v) in g.iter().enumerate() {
                acc |= u64::from(v) << (k * w);
            }
            out.extend_from_slice(&acc.to_le_bytes()[..w]);
        }
    } else if w <= 16 {
        for g in &mut groups {
            let mut acc = 0u128;
            for (k, &v) in g.iter().enumerate() {
                acc |= u128::from(v) << (k * w);
            }
            out.extend_from_slice(&acc.to_le_bytes()[..w]);
        }
    }
    let rest = if w <= 16 { groups.remainder() } else { values };
    let mut acc: u64 = 0;
    let mut bits = 0;
    for &v in rest {
        acc |= u64::from(v) << bits;
        bits += w;
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
    if bits > 0 {
        out.push(acc as u8);
    }
}

/// How many values from the start of `values` equal the first.
fn run_length(values: &[u32]) -> usize {
    match values.first() {
        Some(&v) => values.iter().take_while(|&&x| x == v).count(),
        None => 0,
    }
}

/// Whether the next eight values are one value (the start of a run worth a header).
fn starts_run(values: &[u32]) -> bool {
    values.len() >= 8 && values[1..8].iter().all(|&x| x == values[0])
}

/// Appends `values` (each below `2^width`, `width` 1 to 32) in the RLE / bit-packing
/// hybrid: runs of eight or more equal values as RLE runs, the rest bit-packed in
/// groups of eight (only the last group is padded, as the reader stops at the page's
/// value count).
pub(super) fn encode(values: &[u32], width: u8, out: &mut Vec<u8>) {
    let value_bytes = usize::from(width).div_ceil(8);
    let mut i = 0;
    while i < values.len() {
        let run = run_length(&values[i..]);
        if run >= 8 {
            uleb128((run as u64) << 1, out);
            out.extend_from_slice(&values[i].to_le_bytes()[..value_bytes]);
            i += run;
            continue;
        }
        // Groups of eight until the data ends or a run starts at a group's boundary.
        let mut end = i;
        loop {
            end += 8;
            if end >= values.len() || starts_run(&values[end..]) {
                break;
            }
        }
        let end = end.min(values.len());
        let groups = (end - i).div_ceil(8);
        uleb128(((groups as u64) << 1) | 1, out);
        let start = out.len();
        pack_bits(&values[i..end], width, out);
        // A partial last group still takes `width` whole bytes.
        out.resize(start + groups * usize::from(width), 0);
        i = end;
    }
}

/// Bits needed for values up to `max` (at least 1: a width of 0 is legal but some
/// readers have mishandled it).
pub(super) fn width_for(max: u32) -> u8 {
    (32 - max.leading_zeros()).max(1) as u8
}

/// Largest block of a zstd frame (RFC 8878, `Block_Maximum_Size`).
const ZSTD_BLOCK_MAX: usize = 128 << 10;

/// Appends `data` as one zstd frame of raw (stored) blocks: what any zstd decoder reads
/// back as `data`, made at the speed of a copy, for pages that zstd would not shrink.
pub(super) fn zstd_raw_frame(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(data.len() + 9 + 3 * (data.len() / ZSTD_BLOCK_MAX + 1));
    out.extend_from_slice(&0xFD2F_B528u32.to_le_bytes());
    // Frame header descriptor: a 4-byte content size, single segment (so no window
    // descriptor), no checksum, no dictionary.
    out.push(0b1010_0000);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    let mut blocks = data.chunks(ZSTD_BLOCK_MAX).peekable();
    if blocks.peek().is_none() {
        // One empty last block.
        out.extend_from_slice(&[1, 0, 0]);
    }
    while let Some(block) = blocks.next() {
        let last = u32::from(blocks.peek().is_none());
        // Block header: last-block bit, type 0 (raw), size.
        let header = last | ((block.len() as u32) << 3);
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.extend_from_slice(block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes the hybrid (the reader's side, written from the format's description).
    fn decode(mut data: &[u8], width: u8, n: usize) -> Vec<u32> {
        let value_bytes = usize::from(width).div_ceil(8);
        let mut out = Vec::new();
        while out.len() < n {
            let mut header = 0u64;
            let mut shift = 0;
            loop {
                let b = data[0];
                data = &data[1..];
                header |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            if header & 1 == 0 {
                let mut v = [0u8; 4];
                v[..value_bytes].copy_from_slice(&data[..value_bytes]);
                data = &data[value_bytes..];
                out.extend(std::iter::repeat_n(
                    u32::from_le_bytes(v),
                    (header >> 1) as usize,
                ));
            } else {
                let count = (header >> 1) as usize * 8;
                let bytes = (header >> 1) as usize * usize::from(width);
                let (packed, rest) = data.split_at(bytes);
                data = rest;
                for k in 0..count {
                    let mut v = 0u32;
                    for b in 0..usize::from(width) {
                        let bit = k * usize::from(width) + b;
                        v |= u32::from((packed[bit / 8] >> (bit % 8)) & 1) << b;
                    }
                    out.push(v);
                }
            }
        }
        out.truncate(n);
        out
    }

    #[test]
    fn the_hybrid_reads_back_every_mix_of_runs_and_noise_at_every_width() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        for width in [1u8, 2, 3, 7, 8, 9, 13, 17, 24, 32] {
            let mask = if width == 32 {
                u32::MAX
            } else {
                (1 << width) - 1
            };
            for n in [0usize, 1, 7, 8, 9, 15, 16, 17, 100, 1000, 8192] {
                let values: Vec<u32> = (0..n)
                    .map(|i| {
                        // Runs of varied lengths between stretches of noise.
                        if (i / 13) % 3 == 0 {
                            5 & mask
                        } else {
                            next() & mask
                        }
                    })
                    .collect();
                let mut out = Vec::new();
                encode(&values, width, &mut out);
                assert_eq!(decode(&out, width, n), values, "width {width}, {n} values");
            }
        }
        // A page of one value is one run: a header and a byte.
        let mut out = Vec::new();
        encode(&[1; 8192], 1, &mut out);
        assert_eq!(out, [0x80, 0x80, 0x01, 1]);
        assert_eq!(width_for(0), 1);
        assert_eq!(width_for(1), 1);
        assert_eq!(width_for(2), 2);
        assert_eq!(width_for(255), 8);
        assert_eq!(width_for(256), 9);
    }

    #[test]
    fn raw_zstd_frames_decompress_to_their_data() {
        for n in [
            0usize,
            1,
            1000,
            ZSTD_BLOCK_MAX,
            ZSTD_BLOCK_MAX + 1,
            3 * ZSTD_BLOCK_MAX + 5,
        ] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7919 % 251) as u8).collect();
            let mut frame = Vec::new();
            zstd_raw_frame(&data, &mut frame);
            let back = zstd::bulk::decompress(&frame, n.max(1)).expect("a valid frame");
            assert_eq!(back, data, "{n} bytes");
        }
    }
}
