// Forms marked data-once disable their submit button once sent, so a
// double click sends one request. The server enforces this as well.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-once]")) {
    return;
  }
  // Disable after the browser has taken the form's data, not before.
  window.setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = true;
      button.dataset.label = button.textContent;
      button.textContent = "Working…";
    }
  }, 0);
});

// Coming back with the Back button restores the page as it was left.
window.addEventListener("pageshow", () => {
  for (const button of document.querySelectorAll("form[data-once] button[disabled]")) {
    button.disabled = false;
    if (button.dataset.label) {
      button.textContent = button.dataset.label;
    }
  }
});
