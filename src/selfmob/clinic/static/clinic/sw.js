// selfmob service worker, served at /sw.js by views/pwa.py, which fills in CONFIG:
// { version, shell: [static URLs], css, pages: [paths kept for offline], logout }.
// Static files: from the cache first (their URLs change with their content in production).
// Pages in CONFIG.pages: network first, the last good copy kept for offline use.
// Logging out, or a visit that finds the session over, drops the kept pages, so no one sees
// the last user's plan; a copy older than a day is not shown.
const CONFIG = /*CONFIG*/{};
const SHELL = `selfmob-shell-${CONFIG.version}`;
const PAGES = 'selfmob-pages';
const MAX_AGE = 24 * 60 * 60 * 1000; // an older copy of Today is not shown: plans change

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(CONFIG.shell)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  const old = (key) => key.startsWith('selfmob-shell-') && key !== SHELL;
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter(old).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && url.pathname === CONFIG.logout) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== 'GET') return;
  if (CONFIG.shell.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === 'navigate') {
    event.respondWith(page(event, url));
  }
});

async function page(event, url) {
  const kept = CONFIG.pages.includes(url.pathname);
  try {
    const response = await fetch(event.request);
    if (kept && response.status === 200 && response.type === 'basic' && !response.redirected) {
      event.waitUntil(keep(url.pathname, response.clone()));
    } else if (kept) {
      // Signed out (sent to the log-in page) or refused: the copy is no one's to see now.
      event.waitUntil(caches.open(PAGES).then((cache) => cache.delete(url.pathname)));
    }
    return response;
  } catch (offline) {
    const copy = kept && (await caches.open(PAGES).then((cache) => cache.match(url.pathname)));
    const age = copy ? Date.now() - Number(copy.headers.get('X-Kept-At') || 0) : Infinity;
    return age < MAX_AGE ? copy : offlinePage();
  }
}

// The kept copy says so (data-copy="saved"), and the page tells the reader.
async function keep(path, response) {
  const html = (await response.text()).replace('data-copy=""', 'data-copy="saved"');
  const type = response.headers.get('Content-Type') || 'text/html; charset=utf-8';
  const cache = await caches.open(PAGES);
  const headers = { 'Content-Type': type, 'X-Kept-At': String(Date.now()) };
  await cache.put(path, new Response(html, { headers }));
}

function offlinePage() {
  const today = CONFIG.pages[0];
  const html = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · selfmob</title><link rel="stylesheet" href="${CONFIG.css}">
<main><h1>You are offline</h1><p>This page is not saved on this phone.
<a href="${today}">Today</a> is, once you have opened it while online.</p></main></html>`;
  const headers = { 'Content-Type': 'text/html; charset=utf-8' };
  return new Response(html, { status: 503, headers });
}
