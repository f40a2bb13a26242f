// Starts the wasm app and registers the service worker. A file of its own, not an inline
// script, so the Content-Security-Policy can forbid inline scripts.
import init from '/pkg/tongban_web.js';

// Something went wrong inside the app (a panic, a wasm trap): say so, never fail silently. The
// app keeps every answer on the device as it is typed, so the notice can promise that; its words
// come from the app in the person's language (data-crash-* on <html>), else both languages.
function crashed() {
  if (document.getElementById('app-crash')) return;
  const root = document.documentElement;
  const box = document.createElement('div');
  box.id = 'app-crash';
  box.className = 'notice notice-error app-crash';
  box.setAttribute('role', 'alert');
  const text = document.createElement('p');
  text.textContent = root.dataset.crashText || '出了点问题。您已填写的内容都保存在本机。Something went wrong; everything you typed is kept on this device.';
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.className = 'button';
  reload.textContent = root.dataset.crashReload || '重新加载 Reload';
  reload.addEventListener('click', () => location.reload());
  box.append(text, reload);
  document.body.prepend(box);
  reload.focus();
}
window.tongbanCrashed = crashed;
window.addEventListener('error', (event) => {
  if (event.error instanceof Error) crashed();
});
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof WebAssembly.RuntimeError) crashed();
});

init({ module_or_path: '/pkg/tongban_web_bg.wasm' }).catch((error) => {
  const boot = document.getElementById('boot');
  if (boot) boot.textContent = '通办无法启动，请刷新重试。Tongban could not start: please reload.';
  console.error(error);
});

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error) => {
    console.warn('service worker not registered', error);
  });
}
