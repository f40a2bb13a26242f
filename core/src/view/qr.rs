//! QR codes as SVG (the `qrcode` crate's encoder and renderer), black on white with the quiet
//! zone, drawn in `size` CSS pixels at least: a booking code for the hall's queue machine, and
//! a certificate shown in person (亮证).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

fn qr_svg(text: &str, size: u32, level: EcLevel) -> Option<String> {
    let qr = QrCode::with_error_correction_level(text.as_bytes(), level).ok()?;
    Some(
        qr.render::<svg::Color>()
            .min_dimensions(size, size)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .quiet_zone(true)
            .build(),
    )
}

/// The booking code as an SVG QR code (what the hall's queue machine scans); empty if it
/// cannot be one.
pub fn code_qr_svg(code: &str, size: u32) -> String {
    qr_svg(code, size, EcLevel::M).unwrap_or_default()
}

/// A certificate's presentation as an SVG QR code: the lowest error correction, so an SD-JWT
/// of a couple of kilobytes still fits one code; `None` if it is too long for any.
pub fn presentation_qr_svg(presentation: &str, size: u32) -> Option<String> {
    qr_svg(presentation, size, EcLevel::L)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_presentation_fits_and_what_cannot_fit_is_said() {
        let svg = presentation_qr_svg(&"a".repeat(2_000), 320).unwrap();
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{}",
            &svg[..40]
        );
        assert!(presentation_qr_svg(&"a".repeat(4_000), 320).is_none());
        let code = code_qr_svg("7KQ2MX9A", 160);
        assert!(code.contains("<svg") && code.contains("#000000"), "{code}");
    }
}
