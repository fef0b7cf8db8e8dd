// The new-assessment form: each row's instrument list follows its test (only the instruments
// that test allows, its usual one first), and the chosen test's set-up shows under it. The
// server checks the instrument again; without this script the "usual instrument" choice works.
const allowed = JSON.parse(document.getElementById('test-instruments').textContent);

for (const row of document.querySelectorAll('fieldset[data-row]')) {
  const test = row.querySelector('select[name$="-test"]');
  const instrument = row.querySelector('select[name$="-instrument"]');
  const setup = row.querySelector('[data-setup]');
  const update = () => {
    const ids = allowed[test.value] || [];
    for (const option of instrument.options) {
      option.hidden = option.value !== '' && ids.length > 0 && !ids.includes(option.value);
    }
    if (instrument.selectedOptions[0]?.hidden) instrument.value = '';
    const card = document.getElementById(`setup-${test.value}`);
    setup.replaceChildren(...(card ? [card.cloneNode(true)] : []));
    for (const node of setup.querySelectorAll('[id]')) node.removeAttribute('id');
    const copy = setup.querySelector('details');
    if (copy) copy.open = true;
  };
  test.addEventListener('change', update);
  update();
}
