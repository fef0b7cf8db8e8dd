// The phone as an inclinometer: zero it, then each trial is taken by itself once the angle
// stays within 1° for 2 s; two or three trials are averaged.
// The angle is the one between the direction of gravity at the zero and now, in the phone's own
// frame: it does not depend on which way the phone is turned on the limb, and a wobble of a few
// degrees out of the plane of the movement changes it by only a fraction of a degree.
// Test-only: the browser tests set `globalThis.selfmobSpeed` (e.g. 10) to shorten the waits.
const SPEED = Number(globalThis.selfmobSpeed) || 1;
const STEADY_MS = 2000 / SPEED;
const NO_SENSOR_MS = 2000 / SPEED;
const BAND = 1; // ± degrees that count as holding still
const LEAST = 5; // degrees from the zero (or the last trial) before a trial can be taken
const TRIALS = 3;
const RAD = Math.PI / 180;
// Whether the sensor answers is learnt by listening, never guessed from which APIs exist: a
// browser may define `requestPermission` and grant it without asking (Chromium 156 does).
// Asking is offered only when no reading arrives and the browser has a way to ask.
const canAsk = () => typeof DeviceOrientationEvent.requestPermission === 'function';
let permission = ''; // the browser's last answer to asking: '', 'granted' or 'denied'

const up = (beta, gamma) => {
  const b = beta * RAD; const g = gamma * RAD;
  return [-Math.sin(g) * Math.cos(b), Math.sin(b), Math.cos(g) * Math.cos(b)];
};
const between = (u, v) => Math.acos(Math.min(1, Math.max(-1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2]))) / RAD;
const tenth = (x) => Math.round(x * 10) / 10;

function meter(root, done) {
  const $ = (name) => root.querySelector(`[data-${name}]`);
  let raw = null; let zero = null; let trials = []; let armed = false; let last = 0; let over = false;
  let ref = 0; let since = 0; let samples = []; let clock = 0; let wait = 0;
  const say = (text) => { $('status').textContent = text; };
  const read = (event) => {
    if (event.beta === null || event.gamma === null) return; // no sensor behind the event
    const first = !raw;
    raw = up(event.beta, event.gamma);
    if (first) ready();
  };

  function start() {
    // A fresh zero each time: a zero kept from before would take a trial while the phone is
    // still in the hand on the way to its place.
    zero = null; trials = []; armed = false; last = 0; over = false;
    $('trials').textContent = ''; $('angle').textContent = '–'; $('zero').textContent = 'Set zero';
    $('finish').hidden = true; $('again').hidden = true; $('nosensor').hidden = true;
    $('denied').hidden = true; $('allow').hidden = true; $('live').hidden = false;
    if (typeof DeviceOrientationEvent === 'undefined') return none('nosensor');
    return listen();
  }

  function listen() {
    stop();
    addEventListener('deviceorientation', read);
    clock = setInterval(tick, 50);
    if (raw) return ready();
    say('Waiting for the motion sensor…');
    wait = setTimeout(silent, NO_SENSOR_MS);
    return undefined;
  }

  // No reading arrived in time: ask, if the browser can and has not been asked yet.
  function silent() {
    if (raw) return;
    if (permission === 'denied') return none('denied');
    if (permission || !canAsk()) return none('nosensor');
    $('allow').hidden = false;
    say('To use the phone as an inclinometer, allow the motion sensor.');
  }

  function stop() {
    removeEventListener('deviceorientation', read);
    clearInterval(clock);
    clearTimeout(wait);
  }

  function ready() {
    clearTimeout(wait);
    $('allow').hidden = true; // a reading came after all: nothing to ask
    $('zero').disabled = false;
    say('Sensor ready. Place the phone as in step 1, then tap Set zero.');
  }

  function none(why) {
    stop();
    $('live').hidden = true;
    $(why).hidden = false;
    root.dispatchEvent(new CustomEvent('nosensor'));
  }

  function setZero() {
    zero = raw; armed = !over; last = 0;
    $('zero').textContent = 'Set zero again';
    say('Zero set. Move into the test position and hold still: the angle is taken when it stays within 1° for 2 seconds.');
  }

  function tick() {
    if (!raw || !zero) return;
    const angle = between(zero, raw);
    const now = performance.now();
    $('angle').textContent = `${Math.round(angle)}°`;
    if (Math.abs(angle - ref) > BAND) { ref = angle; since = now; samples = []; }
    samples.push(angle);
    if (over) return;
    if (!armed && Math.abs(angle - last) > LEAST) {
      armed = true;
      say(`Ready for trial ${trials.length + 1}: move into the test position and hold still.`);
    }
    if (armed && angle >= LEAST && now - since >= STEADY_MS) {
      take(tenth(samples.reduce((a, b) => a + b, 0) / samples.length));
    }
  }

  function take(value) {
    trials.push(value); last = value; armed = false;
    const item = document.createElement('li');
    item.textContent = `${value}°`;
    $('trials').append(item);
    navigator.vibrate?.(80);
    if (trials.length >= TRIALS) return finish();
    $('finish').hidden = trials.length < 2;
    $('again').hidden = false;
    return say(`Trial ${trials.length}: ${value}°. Go back to the start, then repeat.`);
  }

  function finish() {
    armed = false; over = true; $('finish').hidden = true;
    const mean = tenth(trials.reduce((a, b) => a + b, 0) / trials.length);
    say(`Trial ${trials.length}: ${last}°. Mean of ${trials.length} trials: ${mean}°. ${done(mean, [...trials])}`);
  }

  $('zero').addEventListener('click', setZero);
  $('finish').addEventListener('click', finish);
  $('again').addEventListener('click', () => {
    trials = []; armed = zero !== null; last = 0; over = false;
    $('trials').textContent = ''; $('finish').hidden = true; $('again').hidden = true;
    say('Trials cleared. Move into the test position and hold still.');
  });
  $('allow').addEventListener('click', async () => {
    $('allow').hidden = true;
    try {
      permission = (await DeviceOrientationEvent.requestPermission()) === 'granted' ? 'granted' : 'denied';
    } catch (e) { permission = 'denied'; }
    if (permission === 'granted') listen(); else none('denied');
  });
  return { start, stop };
}

// The measuring page: the trials go into the form to record.
const form = document.querySelector('form[data-measure-form]');
if (form) {
  const put = (mean, trials) => {
    for (let i = 1; i <= TRIALS; i += 1) form.elements[`trial_${i}`].value = trials[i - 1] ?? '';
    return 'The trials are in the form below: choose the side, then Record.';
  };
  meter(document.querySelector('[data-measure]'), put).start();
}

// Today: a dialog per card fills the test before or after. The session says the phone measured
// it only when both values are the phone's, still as it put them (a mix of instruments is not
// one instrument).
function mark(form) {
  const both = ['pre', 'post'].map((name) => form.querySelector(`[name$="-${name}"]`));
  const phone = both.every((f) => f && f.dataset.phone !== undefined && f.value === f.dataset.phone);
  form.querySelector('[name$="-instrument"]').value = phone ? 'phone-inclinometer' : '';
}

for (const dialog of document.querySelectorAll('dialog[data-measure-dialog]')) {
  if (typeof dialog.showModal !== 'function') continue;
  const use = dialog.querySelector('[data-use]');
  let target = null; let value = null;
  const label = () => target.labels[0].textContent.trim();
  const m = meter(dialog.querySelector('[data-measure]'), (mean) => {
    value = mean;
    use.textContent = `Put ${mean}° in “${label()}”`;
    use.hidden = false;
    return `Tap “Put ${mean}° in ${label()}”.`;
  });
  for (const opener of document.querySelectorAll(`[data-measure-open="${dialog.id}"]`)) {
    opener.hidden = false;
    const field = document.getElementById(opener.dataset.field);
    field.addEventListener('input', () => mark(field.form));
    opener.addEventListener('click', () => {
      target = document.getElementById(opener.dataset.field);
      use.hidden = true;
      dialog.showModal();
      m.start();
    });
  }
  use.addEventListener('click', () => {
    target.value = value;
    target.dataset.phone = String(value);
    mark(target.form);
    dialog.close();
  });
  for (const closer of dialog.querySelectorAll('[data-close]')) closer.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => { m.stop(); target?.focus(); });
}
