// Every page: register the service worker (offline Today), and leave nothing of this person
// on the phone when they log out: the kept pages and the sessions waiting to send.
const script = document.querySelector('script[data-sw]');
if (script && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(script.dataset.sw, { scope: '/' }).catch(() => {});
}

for (const form of document.querySelectorAll('form[action$="/logout"]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const waiting = Number(localStorage.getItem('selfmob-waiting')) || 0;
    const lost = waiting === 1 ? '1 session is' : `${waiting} sessions are`;
    const ask = `${lost} still waiting to send. Logging out deletes them from this phone. Log out anyway?`;
    if (waiting && !window.confirm(ask)) return;
    await forget();
    form.submit();
  });
}

function forget() {
  localStorage.removeItem('selfmob-waiting');
  const jobs = [];
  if (window.indexedDB) {
    jobs.push(new Promise((done) => {
      const request = indexedDB.deleteDatabase('selfmob');
      request.onsuccess = request.onerror = request.onblocked = done;
    }));
  }
  if (window.caches) jobs.push(caches.delete('selfmob-pages'));
  const enough = new Promise((done) => setTimeout(done, 1500));
  return Promise.race([Promise.all(jobs).catch(() => {}), enough]);
}
