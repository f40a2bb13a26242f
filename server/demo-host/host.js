// The demo host's side of the embedding protocol (docs/embedding.md): answer `tongban:ready`
// with `tongban:hello` (a ticket signed by this host's backend, the elder style, capabilities),
// follow `tongban:set-title`, log everything. Messages go only to, and come only from, the app's
// origin.
'use strict';

let appUrl;
let appOrigin;
let hostId;
let lastTicket = null;
const $ = (id) => document.getElementById(id);

function log(direction, message) {
  const item = document.createElement('li');
  item.dataset.type = message.type || direction;
  item.textContent = `${direction}: ${JSON.stringify(message)}`;
  $('events').appendChild(item);
}

async function ticketFor(mode) {
  if (mode === 'none') return null;
  if (mode === 'replay' && lastTicket) return lastTicket;
  const response = await fetch('/ticket', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      phone: $('phone').value,
      name: $('name').value || null,
      id_number: $('id-number').value || null,
      expired: mode === 'expired',
    }),
  });
  if (!response.ok) {
    log('host', { type: 'host:ticket-failed', status: response.status });
    return null;
  }
  lastTicket = (await response.json()).ticket;
  return lastTicket;
}

function uiStyle() {
  return $('elder').checked ? 'elder' : 'normal';
}

function post(message) {
  $('app').contentWindow.postMessage(message, appOrigin);
  log('sent', message);
}

function openApp() {
  const url = new URL($('path').value || '/', appUrl);
  url.searchParams.set('host', hostId);
  $('app').src = url.toString();
}

window.addEventListener('message', async (event) => {
  if (event.origin !== appOrigin || !event.data || typeof event.data.type !== 'string') return;
  const message = event.data;
  log('received', message);
  switch (message.type) {
    case 'tongban:ready':
      post({
        type: 'tongban:hello',
        ticket: await ticketFor($('ticket-mode').value),
        ui_style: uiStyle(),
        capabilities: ['set-title', 'open-link', 'phone-call', 'close', 'events'],
      });
      break;
    case 'tongban:set-title':
      $('host-title').textContent = message.title;
      break;
    case 'tongban:open-link':
      window.open(message.url, '_blank', 'noopener');
      break;
    case 'tongban:close':
      $('app').src = 'about:blank';
      break;
    default:
      break;
  }
});

$('elder').addEventListener('change', () => post({ type: 'tongban:ui-style', ui_style: uiStyle() }));
$('person').addEventListener('submit', (event) => {
  event.preventDefault();
  openApp();
});

fetch('/config.json')
  .then((response) => response.json())
  .then((config) => {
    appUrl = config.app_url;
    appOrigin = new URL(appUrl).origin;
    hostId = config.host_id;
    // Tests and links can set the scene: ?path=/matter/X&elder=1&ticket-mode=expired
    const query = new URLSearchParams(location.search);
    for (const id of ['path', 'phone', 'name', 'id-number', 'ticket-mode']) {
      if (query.has(id)) $(id).value = query.get(id);
    }
    if (query.get('elder') === '1') $('elder').checked = true;
    openApp();
  });
