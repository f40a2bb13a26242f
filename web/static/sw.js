// Tongban's service worker: the app shell works offline, and public catalog data read online
// stays readable offline. Personal data is never cached here.
const BUILD = '__TONGBAN_BUILD__';
const SHELL_CACHE = `tongban-shell-${BUILD}`;
const DATA_CACHE = 'tongban-public-data-v1';
const SHELL = [
  '/',
  '/boot.js',
  '/app.css',
  '/manifest.webmanifest',
  '/pkg/tongban_web.js',
  '/pkg/tongban_web_bg.wasm',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];
// Public, non-personal API reads that may be shown from the cache when offline.
const PUBLIC_DATA = [/^\/api\/v1\/matters(\/|$|\?)/];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith('tongban-shell-') && key !== SHELL_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, cacheName, fallbackUrl) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok && cacheName === DATA_CACHE) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(fallbackUrl || request);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  return cached || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, SHELL_CACHE, '/'));
  } else if (PUBLIC_DATA.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkFirst(request, DATA_CACHE));
  } else if (!url.pathname.startsWith('/api/')) {
    event.respondWith(cacheFirst(request));
  }
});
