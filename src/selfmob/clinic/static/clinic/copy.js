// "Copy link" buttons: <button data-copy="ID"> copies the value of the field #ID, and says so
// in [data-copy-status="ID"]. Without the clipboard (an old browser, a page not served over
// HTTPS) the text is selected for the person to copy. Without JavaScript the button stays
// hidden and the field can be copied by hand.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  if (!field) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      say(status, 'Copied.');
    } catch {
      field.focus();
      field.select();
      say(status, 'Selected: copy it with Ctrl+C, or Cmd+C on a Mac, or your phone\'s Copy.');
    }
  });
}

function say(status, words) {
  if (status) status.textContent = words;
}
