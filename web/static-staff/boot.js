// Starts the department workbench. It registers no service worker: a workbench holds other
// people's data and is never kept for offline use.
import init from '/staff/pkg/tongban_staff.js';
import '/crash.js';

init({ module_or_path: '/staff/pkg/tongban_staff_bg.wasm' }).catch((error) => {
  const boot = document.getElementById('boot');
  if (boot) boot.textContent = '工作台无法启动，请刷新重试。The workbench could not start: please reload.';
  console.error(error);
});
