//! Reading a shown QR code with the camera on `/verify`: the back camera's frames, a few a
//! second, read by `rqrr` in wasm (the same on every browser — no native barcode reader
//! needed; its own small bundle, `scan_main.rs`, loaded when the camera first opens), until one
//! holds a code; then the camera is closed and the text goes to the verifier, exactly as if it
//! had been pasted. Nothing leaves the device.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, MediaStream, MediaStreamTrack};

use crate::t;

/// How often a frame is looked at while scanning, in milliseconds.
const EVERY_MS: i32 = 200;
/// Frames are read at most this wide: a certificate's QR code is dense (a version 30 or more),
/// and its modules must stay a few pixels wide.
const READ_WIDTH: u32 = 1280;

async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// The QR reader's `decode(rgba, width, height)`.
async fn reader() -> Result<js_sys::Function, String> {
    let failed = |e: JsValue| {
        web_sys::console::warn_1(&format!("the QR reader did not load: {e:?}").into());
        t!("scan-unavailable")
    };
    // `boot.js` loads it (once): `window.tongbanQrReader()`.
    let load = js_sys::Reflect::get(&window(), &JsValue::from_str("tongbanQrReader"))
        .map_err(failed)?
        .dyn_into::<js_sys::Function>()
        .map_err(failed)?;
    let promise = load
        .call0(&JsValue::NULL)
        .map_err(failed)?
        .dyn_into::<js_sys::Promise>()
        .map_err(failed)?;
    let module = JsFuture::from(promise).await.map_err(failed)?;
    js_sys::Reflect::get(&module, &JsValue::from_str("decode"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| t!("scan-unavailable"))
}

/// The text of a QR code in the frame drawn on `context` (`width` × `height`), if one reads.
fn read_frame(
    decode: &js_sys::Function,
    context: &CanvasRenderingContext2d,
    width: u32,
    height: u32,
) -> Option<String> {
    let frame = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .ok()?;
    // The pixels stay a JS array: the reader copies them into its own memory once.
    let pixels = js_sys::Reflect::get(&frame, &JsValue::from_str("data")).ok()?;
    decode
        .call3(
            &JsValue::NULL,
            &pixels,
            &JsValue::from(width),
            &JsValue::from(height),
        )
        .ok()?
        .as_string()
}

/// The back camera (any camera where there is no back one), or the words to tell the person.
async fn open_camera() -> Result<MediaStream, String> {
    let devices = window()
        .navigator()
        .media_devices()
        .map_err(|_| t!("scan-unavailable"))?;
    let constraints = web_sys::MediaStreamConstraints::new();
    let video =
        js_sys::JSON::parse(r#"{"facingMode":{"ideal":"environment"}}"#).unwrap_or(JsValue::TRUE);
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);
    let asked = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| t!("scan-unavailable"))?;
    match JsFuture::from(asked).await {
        Ok(stream) => Ok(stream.unchecked_into()),
        Err(e) => {
            let name = e
                .dyn_ref::<web_sys::DomException>()
                .map(|d| d.name())
                .unwrap_or_default();
            web_sys::console::warn_1(&format!("the camera: {name}").into());
            Err(if name == "NotAllowedError" {
                t!("scan-denied")
            } else {
                t!("scan-unavailable")
            })
        }
    }
}

fn close(stream: &MediaStream) {
    for track in stream.get_tracks() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// A button that opens the camera and reads a QR code; `on_read` gets its text.
#[component]
pub(crate) fn Scanner(#[prop(into)] on_read: Callback<String>) -> impl IntoView {
    let scanning = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let video = NodeRef::<leptos::html::Video>::new();
    let start = move || {
        error.set(None);
        scanning.set(true);
        leptos::task::spawn_local(async move {
            let decode = match reader().await {
                Ok(decode) => decode,
                Err(e) => {
                    scanning.set(false);
                    return error.set(Some(e));
                }
            };
            let stream = match open_camera().await {
                Ok(stream) => stream,
                Err(e) => {
                    scanning.set(false);
                    return error.set(Some(e));
                }
            };
            let Some(element) = video.get_untracked() else {
                return close(&stream);
            };
            element.set_src_object(Some(&stream));
            if let Ok(playing) = element.play() {
                let _ = JsFuture::from(playing).await;
            }
            let canvas: HtmlCanvasElement = document()
                .create_element("canvas")
                .expect("a canvas")
                .unchecked_into();
            let options =
                js_sys::JSON::parse(r#"{"willReadFrequently":true}"#).unwrap_or(JsValue::UNDEFINED);
            let Some(context) = canvas
                .get_context_with_context_options("2d", &options)
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            else {
                close(&stream);
                scanning.set(false);
                return error.set(Some(t!("scan-unavailable")));
            };
            while scanning.get_untracked() {
                pause(EVERY_MS).await;
                let (w, h) = (element.video_width(), element.video_height());
                if w == 0 || h == 0 {
                    continue;
                }
                let scale = f64::from(READ_WIDTH.min(w)) / f64::from(w);
                let (cw, ch) = ((f64::from(w) * scale) as u32, (f64::from(h) * scale) as u32);
                canvas.set_width(cw);
                canvas.set_height(ch);
                let drawn = context.draw_image_with_html_video_element_and_dw_and_dh(
                    &element,
                    0.0,
                    0.0,
                    f64::from(cw),
                    f64::from(ch),
                );
                if drawn.is_err() {
                    continue;
                }
                if let Some(text) = read_frame(&decode, &context, cw, ch) {
                    scanning.set(false);
                    close(&stream);
                    element.set_src_object(None);
                    on_read.run(text);
                    return;
                }
            }
            close(&stream);
            element.set_src_object(None);
        });
    };
    view! {
        <div class="scanner">
            {move || if scanning.get() {
                view! {
                    <button type="button" class="button button-secondary button-wide scan-stop"
                        on:click=move |_| scanning.set(false)>
                        {t!("scan-stop")}
                    </button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button button-wide scan-start" on:click=move |_| start()>
                        {t!("scan-start")}
                    </button>
                }.into_any()
            }}
            <video node_ref=video class="scan-video" playsinline="true" prop:muted=true
                aria-label=t!("scan-video") hidden=move || !scanning.get()></video>
            {move || scanning.get().then(|| view! { <p class="hint" role="status">{t!("scan-hint")}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
}
