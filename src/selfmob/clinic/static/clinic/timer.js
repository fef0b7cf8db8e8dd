// The session timer on each Today card: paces oscillations (a pulse and a count at the dose's
// rate), or counts holds, repetitions, rests and sets. Sound and vibration are off until the
// person turns them on. Stopping, or the end, moves focus to the pain question.
// Test-only: the browser tests set `globalThis.selfmobSpeed` (e.g. 10) to run the clock faster.
const SPEED = Number(globalThis.selfmobSpeed) || 1;
const LET_GO = 3; // s between two holds of a set: a pause for the count, not part of the dose
const MOVE = 2; // s to move into each repetition, before any pause at the end of the range
let audio = null;

for (const root of document.querySelectorAll('[data-timer]')) timer(root);

function phases(d) {
  const out = [];
  for (let set = 1; set <= d.sets; set += 1) {
    if (d.style === 'oscillation') out.push({ kind: 'move', set, s: d.seconds, beat: d.pace });
    for (let rep = 1; d.style !== 'oscillation' && rep <= d.reps; rep += 1) {
      if (d.style === 'hold') {
        out.push({ kind: 'hold', set, rep, s: d.seconds });
        if (rep < d.reps) out.push({ kind: 'let-go', set, rep, s: LET_GO });
      } else {
        out.push({ kind: 'rep', set, rep, s: MOVE + d.seconds });
      }
    }
    if (set < d.sets && d.rest) out.push({ kind: 'rest', set, s: d.rest });
  }
  return out;
}

function words(p, d) {
  const set = `Set ${p.set} of ${d.sets}`;
  switch (p.kind) {
    case 'move': return ['Oscillate', `${set} · one every ${d.pace} s for ${d.seconds} s`];
    case 'hold': return ['Hold', `Hold ${p.rep} of ${d.reps} · ${set}`];
    case 'let-go': return ['Let go', `Next: hold ${p.rep + 1} of ${d.reps}`];
    case 'rep': return ['Repetition', `of ${d.reps} · ${set}`];
    default: return ['Rest', `Next: set ${p.set + 1} of ${d.sets}`];
  }
}

function timer(root) {
  const $ = (name) => root.querySelector(`[data-${name}]`);
  const card = root.closest('section');
  const pain = card.querySelector('[name$="-pain_during"]');
  const ds = root.dataset;
  const dose = {
    style: ds.style, sets: Number(ds.sets), reps: Number(ds.reps) || 1,
    seconds: Number(ds.seconds) || 0, pace: Number(ds.pace) || 1, rest: Number(ds.rest) || 0,
  };
  const plan = phases(dose);
  let t0 = 0; let paused = 0; let idle = 0; let clock = 0; let at = -1; let beat = -1; let lock = null;

  const say = (text) => { $('say').textContent = text; };
  const running = (on) => { $('start').hidden = on; $('pause').hidden = !on; $('stop').hidden = !on; };
  const elapsed = () => (((paused || performance.now()) - t0 - idle) * SPEED) / 1000;

  function tick() {
    let e = elapsed();
    let i = 0;
    while (i < plan.length && e >= plan[i].s) { e -= plan[i].s; i += 1; }
    if (i >= plan.length) { finish('Done', 'Done: well done.'); return; }
    const p = plan[i];
    const [phase, where] = words(p, dose);
    if (i !== at) {
      at = i; beat = -1;
      $('phase').textContent = phase;
      $('where').textContent = where;
      if (p.kind !== 'let-go' && p.kind !== 'rep') say(`${phase}. ${where}.`);
      if (p.kind === 'rep' && p.rep === 1) say(`${where}: ${dose.reps} repetitions.`);
    }
    const n = p.kind === 'move' ? Math.floor(e / p.beat) : 0;
    if (n !== beat && p.kind !== 'rest' && p.kind !== 'let-go') { beat = n; pulse(p); }
    const left = Math.ceil(p.s - e);
    $('count').textContent = p.kind === 'move' ? n + 1 : p.kind === 'rep' ? p.rep : left;
  }

  function pulse(p) {
    const dot = $('pulse');
    dot.classList.add('on');
    const hold = p.kind === 'hold' ? p.s : p.kind === 'move' ? p.beat * 0.4 : 0.4;
    setTimeout(() => dot.classList.remove('on'), (hold * 1000) / SPEED);
    if (root.querySelector('[data-sound]').checked) beep();
    if (root.querySelector('[data-buzz]').checked) navigator.vibrate?.(60);
  }

  function go() {
    t0 = performance.now(); paused = 0; idle = 0; at = -1;
    running(true);
    $('pause').textContent = 'Pause';
    clock = setInterval(tick, 50);
    tick();
    navigator.wakeLock?.request('screen').then((l) => { lock = l; }, () => {});
  }

  function pause() {
    if (paused) {
      idle += performance.now() - paused; paused = 0;
      clock = setInterval(tick, 50);
      $('pause').textContent = 'Pause';
      say('Going on.');
    } else {
      paused = performance.now();
      clearInterval(clock);
      $('pulse').classList.remove('on');
      $('pause').textContent = 'Resume';
      say('Paused. Resume when you are ready, or stop.');
    }
  }

  function finish(phase, first) {
    clearInterval(clock);
    running(false);
    $('start').textContent = 'Start again';
    $('pulse').classList.remove('on');
    $('phase').textContent = phase;
    $('count').textContent = '';
    lock?.release().catch(() => {});
    lock = null;
    say(`${first} ${card.querySelector('[data-pain-hint]').textContent}`); // pain.js keeps it current
    pain.focus();
  }

  $('start').addEventListener('click', go);
  $('pause').addEventListener('click', pause);
  $('stop').addEventListener('click', () => finish('Stopped', 'Stopped.'));
  $('sound').addEventListener('change', (event) => {
    if (event.target.checked && window.AudioContext) (audio ||= new AudioContext()).resume();
  });
  if (!navigator.vibrate) $('buzz').closest('label').hidden = true;
  pain.setAttribute('aria-describedby', card.querySelector('[data-pain-hint]').id);
  root.hidden = false;
}

function beep() {
  if (!audio) return;
  const now = audio.currentTime;
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 660;
  gain.gain.setValueAtTime(0.2, now);
  gain.gain.exponentialRampToValueAtTime(0.001, now + 0.12);
  tone.connect(gain).connect(audio.destination);
  tone.start(now);
  tone.stop(now + 0.12);
}
