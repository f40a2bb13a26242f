// Tongban's service worker: the app shell works offline, and public catalog data read online
// stays readable offline. Personal data is never cached here.
const BUILD = '__TONGBAN_BUILD__';
const SHELL_CACHE = `tongban-shell-${BUILD}`;
const DATA_CACHE = 'tongban-public-data-v1';
const SHELL = [
  '/',
  '/boot.js',
  '/crash.js',
  '/app.css',
  '/manifest.webmanifest',
  '/pkg/tongban_web.js',
  '/pkg/tongban_web_bg.wasm',
  // The camera's QR reader (/verify), so checking a shown code works offline too.
  '/pkg/tongban_scan.js',
  '/pkg/tongban_scan_bg.wasm',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];
// Public, non-personal API reads that may be shown from the cache when offline.
const PUBLIC_DATA = [/^\/api\/v1\/matters(\/|$|\?)/, /^\/api\/v1\/catalog\/index$/, /^\/api\/v1\/bundles\//];
const INDEX_URL = '/api/v1/catalog/index';
// Guides kept for offline reading after each catalog download (most popular first).
const GUIDES_TO_KEEP = 300;

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
      .then(() => self.clients.claim())
      // The page may have read the catalog before this worker ran: keep its guides now. The
      // indexes kept already (the whole one, or a region's: `?region=`) are refreshed; with
      // none kept yet, the whole one.
      .then(() => caches.open(DATA_CACHE))
      .then((cache) => cache.keys().then((keys) => {
        const kept = keys.map((k) => k.url).filter((u) => new URL(u).pathname === INDEX_URL);
        return Promise.all((kept.length ? kept : [INDEX_URL]).map((url) => fetch(url)
          .then((r) => r.ok && cache.put(url, r.clone()).then(() => keepGuides(r)))));
      }))
      .catch(() => {}),
  );
});

// After a fresh catalog index arrives, fetch the guides it lists that are not cached yet, so a
// guide opened later (a deep link, a search result) reads offline too.
async function keepGuides(indexResponse) {
  const index = await indexResponse.json();
  const cache = await caches.open(DATA_CACHE);
  const codes = (index.documents || []).slice(0, GUIDES_TO_KEEP).map((d) => d.code);
  for (const code of codes) {
    const url = `/api/v1/matters/${encodeURIComponent(code)}`;
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url);
      if (response.ok) await cache.put(url, response);
    } catch (error) {
      return; // offline again: the rest waits for the next download
    }
  }
}

async function networkFirst(request, cacheName, fallbackUrl, afterFetch) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok && cacheName === DATA_CACHE) {
      await cache.put(request, response.clone());
      if (afterFetch) afterFetch(response.clone());
    }
    return response;
  } catch (error) {
    // Offline: this very answer if it was kept; for the catalog index, any index kept (another
    // region's or the whole one: it says which in `scope`) rather than nothing.
    const cached = await cache.match(fallbackUrl || request)
      || (new URL(request.url).pathname === INDEX_URL
        && await cache.match(INDEX_URL, { ignoreSearch: true }));
    if (cached) return cached;
    throw error;
  }
}

// Repeat visits paint from the kept shell, with no network round trip before it: the build's
// files are kept together under its own name, so a visit never mixes two builds. A new build
// installs in the background (the browser checks this worker on navigations) and serves the
// visit after. Before anything is kept, and if the shell was evicted, the network as before.
async function shellFirst(request) {
  const cached = await caches.open(SHELL_CACHE).then((cache) => cache.match('/'));
  return cached || networkFirst(request, SHELL_CACHE, '/');
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  return cached || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The staff workbench is another app: never kept on a citizen's device.
  if (url.pathname === '/staff' || url.pathname.startsWith('/staff/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(shellFirst(request));
  } else if (url.pathname === INDEX_URL) {
    event.respondWith(networkFirst(request, DATA_CACHE, undefined, (r) => event.waitUntil(keepGuides(r))));
  } else if (PUBLIC_DATA.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkFirst(request, DATA_CACHE));
  } else if (!url.pathname.startsWith('/api/')) {
    event.respondWith(cacheFirst(request));
  }
});
