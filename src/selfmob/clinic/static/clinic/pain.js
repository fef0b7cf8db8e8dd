// The pain questions on each Today card. The pain at rest, given before the session, sets how
// much pain during the technique may reach (knowledge/rules/pain.py): at most the item's limit
// (data-limit) above it, and never above the ceiling (data-ceiling). The hint names that
// number, and a warning shows as soon as pain during goes beyond it, or when the pain at rest
// is already above the ceiling. Only words: the server judges the session when it is saved.
for (const card of document.querySelectorAll('section[data-limit][data-ceiling]')) watch(card);

function watch(card) {
  const rest = card.querySelector('[name$="-pain_rest"]');
  const during = card.querySelector('[name$="-pain_during"]');
  if (!rest || !during) return;
  const rule = {
    limit: Number(card.dataset.limit),
    ceiling: Number(card.dataset.ceiling),
    help: card.dataset.coach ? 'your coach, a physiotherapist or a doctor' : 'a physiotherapist or a doctor',
    hint: card.querySelector('[data-pain-hint]').textContent, // the page's words, without a rest
  };
  const update = () => show(card, rule, score(rest.value), score(during.value));
  rest.addEventListener('input', update);
  during.addEventListener('input', update);
  rest.form.addEventListener('reset', () => setTimeout(update)); // kept offline: a fresh form
  update();
}

function show(card, rule, before, now) {
  const hint = card.querySelector('[data-pain-hint]');
  const over = card.querySelector('[data-over]');
  card.querySelector('[data-rest-high]').hidden = !(before !== null && before > rule.ceiling);
  if (before === null) {
    hint.textContent = rule.hint;
  } else {
    const allowed = Math.min(before + rule.limit, rule.ceiling);
    hint.textContent = `How much did it hurt (0–10)? You started at ${before}: if it went above ${allowed}, stop for today. Next time use the easier version, or ask ${rule.help}.`;
  }
  const reason = beyond(rule, before, now);
  over.hidden = !reason;
  if (reason) {
    const told = card.dataset.coach ? '; your coach will see it' : '';
    over.textContent = `${reason} Stop for today and save the session${told}. Do not push through pain.`;
  }
}

// Which part of the rule pain during breaks, in words, or '' when it breaks none.
function beyond(rule, before, now) {
  if (now === null) return '';
  if (now > rule.ceiling) return `That is above ${rule.ceiling}/10, the most pain allowed during the technique.`;
  if (before === null || now - before <= rule.limit) return '';
  if (rule.limit === 0) return `That is above your pain before you started (${before}): it should not rise.`;
  return `That is more than ${rule.limit} above your pain before you started (${before}).`;
}

function score(text) {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : null;
}
