// Starts the wasm app and registers the service worker. A file of its own, not an inline
// script, so the Content-Security-Policy can forbid inline scripts.
import init from '/pkg/tongban_web.js';
import '/crash.js';

init({ module_or_path: '/pkg/tongban_web_bg.wasm' }).catch((error) => {
  const boot = document.getElementById('boot');
  if (boot) boot.textContent = '通办无法启动，请刷新重试。Tongban could not start: please reload.';
  console.error(error);
});

// The camera's QR reader for /verify (`wallet/scan.rs`): its own wasm bundle, loaded the first
// time the camera opens rather than by every visitor. Here, not in the app's Rust, so no inline
// snippet or eval is needed under the Content-Security-Policy.
let qrReader;
window.tongbanQrReader = () => {
  qrReader ??= import('/pkg/tongban_scan.js').then(async (reader) => {
    await reader.default({ module_or_path: '/pkg/tongban_scan_bg.wasm' });
    return reader;
  });
  return qrReader;
};

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error) => {
    console.warn('service worker not registered', error);
  });
}
