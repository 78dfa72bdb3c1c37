// Small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // Language switch: submit on change for mouse users; the button stays for keyboard users.
  const select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // Print buttons (briefings, reports).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
