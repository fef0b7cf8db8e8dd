// Today's session forms. Online, a form is sent as usual. When the network is down, the form's
// fields (with its idempotency key) wait in IndexedDB and are sent on the next page load, when
// the phone comes back online, or every half minute while any wait. The server stores a key
// once, so a repeated send never makes a second session.
const box = document.getElementById('outbox');
const forms = [...document.querySelectorAll('form[data-outbox]')];
const STORE = 'outbox';
let opened = null;
let draining = false;

if (box) start();

function start() {
  for (const form of forms) {
    key(form).value = newKey(); // a kept copy of the page may hold a key already used
    form.addEventListener('submit', (event) => submit(event, form));
  }
  if (box.dataset.copy === 'saved') box.querySelector('[data-copy-note]').hidden = false;
  addEventListener('online', drain);
  document.addEventListener('visibilitychange', () => document.hidden || drain());
  setInterval(() => Number(localStorage.getItem('selfmob-waiting')) && drain(), 30000);
  drain();
}

async function submit(event, form) {
  event.preventDefault();
  if (form.dataset.busy) return;
  form.dataset.busy = '1';
  try {
    const response = await fetch(form.action, { method: 'POST', body: new FormData(form) });
    // Saved: show the result. Anything else: let the browser post it (same key) and show
    // the server's own answer, such as a field to correct.
    if (landed(response)) window.location.assign(response.url);
    else form.submit();
  } catch (offline) {
    await hold(form);
  } finally {
    delete form.dataset.busy;
  }
}

function landed(response) {
  return response.ok && response.redirected && new URL(response.url).pathname !== box.dataset.login;
}

async function hold(form) {
  if (!form.checkValidity()) {
    form.reportValidity();
    return;
  }
  const entry = {
    key: key(form).value,
    user: box.dataset.user,
    action: form.action,
    label: form.closest('section').querySelector('h2').textContent.trim(),
    fields: [...new FormData(form)],
  };
  const note = form.querySelector('[data-held]');
  note.hidden = false;
  try {
    await store('readwrite', (s) => s.put(entry));
  } catch (broken) {
    note.textContent = 'You are offline, and this phone cannot keep the session: save it again when you are back online.';
    return;
  }
  form.reset();
  key(form).value = newKey();
  field(form, 'instrument').value = '';
  note.textContent = `Saved on this phone, waiting to send: ${summary(entry)}.`;
  note.dataset.key = entry.key;
  await show().catch(() => {});
}

async function drain() {
  if (draining) return;
  draining = true;
  try {
    const run = async () => {
      for (const entry of await mine()) if (!(await send(entry))) break;
    };
    await (navigator.locks ? navigator.locks.request('selfmob-outbox', run) : run());
  } catch (broken) {
    // IndexedDB unavailable (private mode on some phones): nothing can wait, nothing to send.
  } finally {
    draining = false;
    await show().catch(() => {});
  }
}

// True when the entry is done with (sent, or refused for good); false to stop and retry later.
async function send(entry) {
  const body = new URLSearchParams(entry.fields);
  const token = cookie('csrftoken') || body.get('csrfmiddlewaretoken');
  body.set('csrfmiddlewaretoken', token);
  let response;
  try {
    response = await fetch(entry.action, { method: 'POST', body, headers: { 'X-CSRFToken': token } });
  } catch (offline) {
    return false;
  }
  if (new URL(response.url).pathname === box.dataset.login) {
    say('warning', 'Log in again to send the sessions waiting on this phone.');
    return false;
  }
  if (response.status >= 500) return false;
  await store('readwrite', (s) => s.delete(entry.key));
  if (landed(response)) {
    say('good', `Sent: ${entry.label}, ${summary(entry)}. `, response.url);
  } else {
    say('warning', `Not saved: ${entry.label}, ${summary(entry)}. The server did not accept it; please enter it again.`);
  }
  return true;
}

async function show() {
  const waiting = await mine();
  localStorage.setItem('selfmob-waiting', String(waiting.length));
  const line = box.querySelector('[data-waiting]');
  line.hidden = waiting.length === 0;
  line.textContent = `Waiting to send: ${waiting.length}. They go as soon as the phone is back online.`;
  const keys = new Set(waiting.map((entry) => entry.key));
  for (const note of document.querySelectorAll('[data-held]')) {
    if (!note.hidden && !keys.has(note.dataset.key)) note.hidden = true;
  }
}

function say(kind, text, link) {
  const said = box.querySelector('[data-sent]');
  if ([...said.children].some((p) => p.textContent === text)) return;
  const line = document.createElement('p');
  line.className = kind;
  line.textContent = text;
  if (link) {
    const a = document.createElement('a');
    a.href = link;
    a.textContent = 'See the result';
    line.append(a);
  }
  said.append(line);
}

function summary(entry) {
  const value = (name) => entry.fields.find(([k]) => k.endsWith(`-${name}`))?.[1];
  const rest = value('pain_rest');
  const start = rest ? `pain at rest ${rest}, ` : ''; // entries kept before it was asked have none
  return `${value('performed_on')}: ${start}before ${value('pre')}, pain ${value('pain_during')}, after ${value('post')}`;
}

async function mine() {
  const all = await store('readonly', (s) => s.getAll());
  return all.filter((entry) => entry.user === box.dataset.user);
}

function database() {
  opened ||= new Promise((resolve, reject) => {
    const request = indexedDB.open('selfmob', 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => { db.close(); opened = null; }; // logging out deletes it
      resolve(db);
    };
    request.onerror = () => { opened = null; reject(request.error); };
  });
  return opened;
}

async function store(mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}

function key(form) { return field(form, 'key'); }
function field(form, name) { return form.querySelector(`[name$="-${name}"]`); }
function cookie(name) {
  return document.cookie.split('; ').find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1);
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
