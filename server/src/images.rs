//! What an uploaded document carries besides its picture is removed before it is stored: a photo
//! of an ID card taken at home must not take the home's GPS position to the department. Images
//! are stripped of their metadata without re-encoding (the pixels stay as taken): EXIF, XMP,
//! IPTC, comments and embedded second images (MPF) go; the colour profile stays, and the
//! orientation is kept as the only EXIF field so the picture still shows upright. Their size is
//! bounded (at most 40 megapixels, read from the header before anything is decoded, so a
//! decompression bomb is refused). PDFs are stored as given; they are served as attachments.

use img_parts::jpeg::{markers, Jpeg};
use img_parts::png::Png;
use img_parts::webp::{WebP, CHUNK_XMP};
use img_parts::{Bytes, ImageEXIF};

/// The most pixels an uploaded image may have.
pub const MAX_PIXELS: u64 = 40_000_000;

/// Why an upload is refused (each a stable error code the apps show in words).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a JPEG, PNG, HEIC, WebP image or PDF (`material-type`).
    Type,
    /// More than `MAX_PIXELS` (`material-too-many-pixels`).
    TooManyPixels,
    /// Damaged or not what its first bytes say (`material-unreadable`).
    Unreadable,
}

impl Refused {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Type => "material-type",
            Self::TooManyPixels => "material-too-many-pixels",
            Self::Unreadable => "material-unreadable",
        }
    }
}

/// The document as it is stored, with its content type found from its bytes.
pub fn clean(bytes: &[u8]) -> Result<(Vec<u8>, &'static str), Refused> {
    let kind = crate::objects::sniff(bytes).ok_or(Refused::Type)?;
    if kind == "application/pdf" {
        return Ok((bytes.to_vec(), kind));
    }
    let size = imagesize::blob_size(bytes).map_err(|_| Refused::Unreadable)?;
    if (size.width as u64).saturating_mul(size.height as u64) > MAX_PIXELS {
        return Err(Refused::TooManyPixels);
    }
    let cleaned = match kind {
        "image/jpeg" => jpeg(bytes)?,
        "image/png" => png(bytes)?,
        "image/webp" => webp(bytes)?,
        "image/heic" => heic(bytes)?,
        _ => return Err(Refused::Type),
    };
    Ok((cleaned, kind))
}

/// The EXIF orientation (1–8) of `exif` (TIFF data), when it is not the default.
fn orientation(exif: Option<&[u8]>) -> Option<u16> {
    let exif = exif::Reader::new().read_raw(exif?.to_vec()).ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    let value = field.value.get_uint(0)? as u16;
    ((2..=8).contains(&value)).then_some(value)
}

/// EXIF data (TIFF) holding only an orientation.
fn only_orientation(value: u16) -> Option<Bytes> {
    let field = exif::Field {
        tag: exif::Tag::Orientation,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Short(vec![value]),
    };
    let mut writer = exif::experimental::Writer::new();
    writer.push_field(&field);
    let mut out = std::io::Cursor::new(Vec::new());
    writer.write(&mut out, false).ok()?;
    Some(Bytes::from(out.into_inner()))
}

fn jpeg(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    let mut image =
        Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| Refused::Unreadable)?;
    let turned = orientation(image.exif().as_deref());
    // Application segments hold metadata; only the JFIF header, the colour profile and Adobe's
    // colour transform are needed to show the picture.
    image.segments_mut().retain(|s| {
        let marker = s.marker();
        let contents = s.contents();
        match marker {
            markers::APP0 => contents.starts_with(b"JFIF\0") || contents.starts_with(b"JFXX\0"),
            markers::APP2 => contents.starts_with(b"ICC_PROFILE\0"),
            markers::APP14 => contents.starts_with(b"Adobe"),
            markers::COM => false,
            m if (markers::APP1..=markers::APP15).contains(&m) => false,
            _ => true,
        }
    });
    if let Some(value) = turned {
        image.set_exif(only_orientation(value));
    }
    let mut out = Vec::with_capacity(bytes.len());
    image
        .encoder()
        .write_to(&mut out)
        .map_err(|_| Refused::Unreadable)?;
    // Whatever follows the first image's end (MPF second images, trailers) goes too.
    let end = jpeg_end(&out).ok_or(Refused::Unreadable)?;
    out.truncate(end);
    Ok(out)
}

/// Where the first image of a JPEG stream ends (after its EOI marker): segments are walked by
/// their lengths, entropy-coded data byte by byte (stuffed `FF 00` and restart markers skipped).
fn jpeg_end(b: &[u8]) -> Option<usize> {
    let mut i = 2; // after SOI
    let mut in_scan = false;
    while i + 1 < b.len() {
        if b[i] != 0xFF {
            if !in_scan {
                return None;
            }
            i += 1;
            continue;
        }
        let marker = b[i + 1];
        match marker {
            0xFF => i += 1,
            0x00 | 0xD0..=0xD7 if in_scan => i += 2,
            0xD9 => return Some(i + 2),
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let len = u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]) as usize;
                i += 2 + len;
                in_scan = marker == 0xDA;
            }
        }
    }
    None
}

fn png(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    let mut image =
        Png::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| Refused::Unreadable)?;
    let turned = orientation(image.exif().as_deref());
    image
        .chunks_mut()
        .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"));
    if let Some(value) = turned {
        image.set_exif(only_orientation(value));
    }
    let mut out = Vec::with_capacity(bytes.len());
    image
        .encoder()
        .write_to(&mut out)
        .map_err(|_| Refused::Unreadable)?;
    Ok(out)
}

fn webp(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    let mut image =
        WebP::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| Refused::Unreadable)?;
    let turned = orientation(image.exif().as_deref());
    image.remove_chunks_by_id(CHUNK_XMP);
    // Setting the EXIF also rewrites the header's flags for what is left.
    image.set_exif(turned.and_then(only_orientation));
    let mut out = Vec::with_capacity(bytes.len());
    image
        .encoder()
        .write_to(&mut out)
        .map_err(|_| Refused::Unreadable)?;
    Ok(out)
}

/// HEIC (ISO/IEC 23008-12 on ISO BMFF): the EXIF item and XMP items are blanked in place (their
/// bytes zeroed, so no offset moves and the pictures stay as they were). HEIC keeps orientation
/// outside EXIF (`irot`/`imir`), so it survives. Anything that cannot be read with certainty is
/// refused rather than stored with its metadata.
fn heic(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    let mut out = bytes.to_vec();
    let ranges = heic_metadata(bytes).ok_or(Refused::Unreadable)?;
    for (from, to) in ranges {
        out.get_mut(from..to).ok_or(Refused::Unreadable)?.fill(0);
    }
    Ok(out)
}

/// A box: its type, where its content starts and where the box ends.
fn boxes(b: &[u8], from: usize, to: usize) -> Option<Vec<([u8; 4], usize, usize)>> {
    let mut out = Vec::new();
    let mut at = from;
    while at + 8 <= to {
        let size = u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64;
        let kind: [u8; 4] = b.get(at + 4..at + 8)?.try_into().ok()?;
        let (header, size) = match size {
            0 => (8, (to - at) as u64),
            1 => (
                16,
                u64::from_be_bytes(b.get(at + 8..at + 16)?.try_into().ok()?),
            ),
            s => (8, s),
        };
        let end = at.checked_add(usize::try_from(size).ok()?)?;
        if size < header as u64 || end > to {
            return None;
        }
        out.push((kind, at + header, end));
        at = end;
    }
    Some(out)
}

/// Reads big-endian unsigned integers of 0–8 bytes.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn uint(&mut self, n: usize) -> Option<u64> {
        let bytes = self.b.get(self.at..self.at + n)?;
        self.at += n;
        Some(bytes.iter().fold(0u64, |v, x| (v << 8) | u64::from(*x)))
    }

    fn cstring(&mut self) -> Option<&[u8]> {
        let rest = self.b.get(self.at..)?;
        let len = rest.iter().position(|c| *c == 0)?;
        self.at += len + 1;
        Some(&rest[..len])
    }
}

/// The byte ranges of the EXIF and XMP items of a HEIC file.
fn heic_metadata(b: &[u8]) -> Option<Vec<(usize, usize)>> {
    let top = boxes(b, 0, b.len())?;
    let (_, meta_from, meta_to) = *top.iter().find(|(k, _, _)| k == b"meta")?;
    // `meta` is a full box: version and flags first.
    let inner = boxes(b, meta_from + 4, meta_to)?;
    let mut metadata_items: Vec<u64> = Vec::new();
    if let Some((_, from, to)) = inner.iter().find(|(k, _, _)| k == b"iinf") {
        let mut r = Reader { b, at: *from };
        let version = r.uint(1)?;
        r.uint(3)?;
        r.uint(if version == 0 { 2 } else { 4 })?;
        for (kind, from, end) in boxes(b, r.at, *to)? {
            if &kind != b"infe" {
                continue;
            }
            let mut e = Reader {
                b: &b[..end],
                at: from,
            };
            let version = e.uint(1)?;
            e.uint(3)?;
            if version < 2 {
                continue;
            }
            let id = e.uint(if version == 2 { 2 } else { 4 })?;
            e.uint(2)?; // protection index
            let item_type: [u8; 4] = e.b.get(e.at..e.at + 4)?.try_into().ok()?;
            e.at += 4;
            e.cstring()?; // name
            let xmp = &item_type == b"mime"
                && e.cstring()
                    .is_some_and(|t| t.eq_ignore_ascii_case(b"application/rdf+xml"));
            if &item_type == b"Exif" || xmp {
                metadata_items.push(id);
            }
        }
    }
    if metadata_items.is_empty() {
        return Some(Vec::new());
    }
    let idat = inner
        .iter()
        .find(|(k, _, _)| k == b"idat")
        .map(|(_, from, _)| *from);
    let (_, from, to) = *inner.iter().find(|(k, _, _)| k == b"iloc")?;
    let mut r = Reader {
        b: &b[..to],
        at: from,
    };
    let version = r.uint(1)?;
    r.uint(3)?;
    let sizes = r.uint(2)?;
    let (offset_size, length_size) = ((sizes >> 12) as usize, ((sizes >> 8) & 0xF) as usize);
    let (base_size, index_size) = (((sizes >> 4) & 0xF) as usize, (sizes & 0xF) as usize);
    let count = r.uint(if version < 2 { 2 } else { 4 })?;
    let mut ranges = Vec::new();
    for _ in 0..count {
        let id = r.uint(if version < 2 { 2 } else { 4 })?;
        let method = if version >= 1 { r.uint(2)? & 0xF } else { 0 };
        r.uint(2)?; // data reference index
        let base = r.uint(base_size)?;
        let extents = r.uint(2)?;
        for _ in 0..extents {
            if version >= 1 && index_size > 0 {
                r.uint(index_size)?;
            }
            let offset = r.uint(offset_size)?;
            let length = r.uint(length_size)?;
            if !metadata_items.contains(&id) {
                continue;
            }
            let start = match method {
                0 => base.checked_add(offset)?,
                1 => (idat? as u64).checked_add(base)?.checked_add(offset)?,
                _ => return None,
            };
            if length == 0 {
                return None;
            }
            let start = usize::try_from(start).ok()?;
            let end = start.checked_add(usize::try_from(length).ok()?)?;
            if end > b.len() {
                return None;
            }
            ranges.push((start, end));
        }
    }
    Some(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG-like stream: SOI, the given segments, a scan with stuffed bytes, EOI, `trailer`.
    fn jpeg_with(segments: &[(u8, &[u8])], trailer: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        for (marker, contents) in segments {
            out.extend([0xFF, *marker]);
            out.extend(((contents.len() + 2) as u16).to_be_bytes());
            out.extend(*contents);
        }
        out.extend([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0]);
        out.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        out.extend([0xFF, 0xD9]);
        out.extend(trailer);
        out
    }

    #[test]
    fn the_first_image_ends_at_its_own_eoi() {
        let sof: &[u8] = &[8, 0, 16, 0, 16, 1, 1, 0x11, 0];
        let b = jpeg_with(&[(0xC0, sof)], b"\xFF\xD8 a second image");
        assert_eq!(
            jpeg_end(&b),
            Some(b.len() - b"\xFF\xD8 a second image".len())
        );
    }

    #[test]
    fn a_jpeg_loses_its_exif_xmp_and_comments_but_keeps_its_profile_and_orientation() {
        let exif = only_orientation(6).unwrap();
        let mut gps_exif = b"Exif\0\0".to_vec();
        gps_exif.extend(exif.as_ref());
        gps_exif.extend(b"GPS 30.2741N 120.1551E");
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>home</x:xmpmeta>";
        let sof: &[u8] = &[8, 0, 16, 0, 16, 1, 1, 0x11, 0];
        let b = jpeg_with(
            &[
                (0xE0, b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0"),
                (0xE1, &gps_exif),
                (0xE1, xmp),
                (0xE2, b"ICC_PROFILE\0\x01\x01profile"),
                (0xED, b"Photoshop 3.0\0IPTC city"),
                (0xFE, b"taken at home"),
                (0xC0, sof),
            ],
            b"\xFF\xD8\xFF\xE1 Exif of the second image",
        );
        let (out, kind) = clean(&b).unwrap();
        assert_eq!(kind, "image/jpeg");
        let text = String::from_utf8_lossy(&out);
        for gone in ["GPS", "xmpmeta", "IPTC", "taken at home", "second image"] {
            assert!(!text.contains(gone), "{gone} is still in the image");
        }
        assert!(text.contains("ICC_PROFILE") && text.contains("JFIF"));
        let kept = Jpeg::from_bytes(Bytes::from(out)).unwrap();
        assert_eq!(
            orientation(kept.exif().as_deref()),
            Some(6),
            "still shown upright"
        );
    }

    #[test]
    fn too_many_pixels_and_garbage_are_refused() {
        // A PNG header claiming 20,000 × 20,000 pixels.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(20_000u32.to_be_bytes());
        png.extend(20_000u32.to_be_bytes());
        png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(clean(&png), Err(Refused::TooManyPixels));
        assert_eq!(clean(b"\xFF\xD8\xFF garbage"), Err(Refused::Unreadable));
        assert_eq!(clean(b"MZ an executable"), Err(Refused::Type));
        let pdf = b"%PDF-1.7\n...";
        assert_eq!(clean(pdf).unwrap().0, pdf.to_vec());
    }

    #[test]
    fn a_heic_exif_item_is_blanked_in_place() {
        // ftyp, then meta { hdlr, iinf { infe(1, hvc1), infe(2, Exif) }, iloc }, then mdat.
        fn boxed(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
            let mut out = ((content.len() + 8) as u32).to_be_bytes().to_vec();
            out.extend(kind);
            out.extend(content);
            out
        }
        let infe = |id: u16, kind: &[u8; 4]| {
            let mut c = vec![2, 0, 0, 0];
            c.extend(id.to_be_bytes());
            c.extend([0, 0]);
            c.extend(kind);
            c.push(0);
            boxed(b"infe", &c)
        };
        let mut iinf = vec![0, 0, 0, 0, 0, 2];
        iinf.extend(infe(1, b"hvc1"));
        iinf.extend(infe(2, b"Exif"));
        let ftyp = boxed(b"ftyp", b"heic\0\0\0\0mif1heic");
        let exif_payload = b"\0\0\0\0Exif\0\0GPS 30.27N 120.15E";
        let picture = b"the picture's coded bytes";
        let head_len_without_iloc =
            ftyp.len() + 8 + 4 + boxed(b"hdlr", &[0; 24]).len() + boxed(b"iinf", &iinf).len();
        // iloc v0, offset/length 4 bytes, base 0: item 1 and item 2, one extent each.
        let iloc_len = 8 + 4 + 2 + 2 + 2 * (2 + 2 + 2 + 4 + 4);
        let mdat_start = head_len_without_iloc + iloc_len + 8;
        let mut iloc = vec![0, 0, 0, 0, 0x44, 0x00, 0, 2];
        for (id, offset, len) in [
            (1u16, mdat_start, picture.len()),
            (2u16, mdat_start + picture.len(), exif_payload.len()),
        ] {
            iloc.extend(id.to_be_bytes());
            iloc.extend([0, 0, 0, 1]);
            iloc.extend((offset as u32).to_be_bytes());
            iloc.extend((len as u32).to_be_bytes());
        }
        let mut meta = vec![0, 0, 0, 0];
        meta.extend(boxed(b"hdlr", &[0; 24]));
        meta.extend(boxed(b"iinf", &iinf));
        meta.extend(boxed(b"iloc", &iloc));
        let mut file = ftyp.clone();
        file.extend(boxed(b"meta", &meta));
        let mut mdat = picture.to_vec();
        mdat.extend(exif_payload);
        file.extend(boxed(b"mdat", &mdat));
        assert_eq!(file.len(), mdat_start + mdat.len());
        let out = heic(&file).unwrap();
        assert_eq!(out.len(), file.len());
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("GPS"), "the EXIF item is blanked");
        assert!(
            text.contains("the picture's coded bytes"),
            "the picture stays"
        );
    }
}
