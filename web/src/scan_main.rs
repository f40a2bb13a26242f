//! The QR reader `/verify`'s camera uses (`wallet::scan`), a bundle of its own: `rqrr` is heavy
//! for a step only verifiers take, so the app loads this the first time the camera opens (and
//! the service worker keeps it for offline checking) instead of every visitor downloading it.

use wasm_bindgen::prelude::wasm_bindgen;

/// The text of the first QR code that reads in an RGBA frame `width` pixels wide.
#[wasm_bindgen]
pub fn decode(rgba: &[u8], width: usize, height: usize) -> Option<String> {
    if width == 0 || rgba.len() < width * height * 4 {
        return None;
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        let at = (y * width + x) * 4;
        let luma = u32::from(rgba[at]) * 299
            + u32::from(rgba[at + 1]) * 587
            + u32::from(rgba[at + 2]) * 114;
        (luma / 1000) as u8
    });
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

fn main() {}
