//! A panic or a trap in the app is never silent: it is logged to the console, and the person sees
//! a notice in their language — what they typed is kept (the journal holds every keystroke) — with
//! a button to reload. The notice is drawn by `boot.js` in plain JavaScript, so it still appears
//! after the wasm instance trapped; the app hands it the words at start.

use wasm_bindgen::JsCast;

/// Installs the panic hook and gives `boot.js` the notice's words (message `text`) in the
/// person's language.
pub fn install(text: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-crash-text", &crate::i18n::loader().get(text));
        let _ = root.set_attribute("data-crash-reload", &crate::t!("app-reload"));
    }
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show();
    }));
}

/// Shows the notice now (`window.tongbanCrashed`, defined by `boot.js`).
fn show() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(f) = js_sys::Reflect::get(&window, &"tongbanCrashed".into()) {
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            let _ = f.call0(&window);
        }
    }
}
