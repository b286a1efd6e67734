// Copy buttons of the organiser's "invite students" panel: each [data-copy] copies the value of
// the field it names. Without JavaScript (or the clipboard) the buttons stay hidden and the
// read-only fields can still be selected by hand.
const status = document.querySelector("[data-copy-status]");

for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select(); // the clipboard was refused: leave the text selected for a manual copy
      return;
    }
    button.textContent = button.dataset.copiedLabel;
    if (status) status.textContent = button.dataset.copiedLabel;
    setTimeout(() => {
      button.textContent = label;
      if (status) status.textContent = "";
    }, 2000);
  });
}
