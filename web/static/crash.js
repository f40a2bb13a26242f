// The crash notice, shared by the citizen app and the workbench (imported by their boot.js).
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
