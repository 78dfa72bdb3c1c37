// A BSN typed into the free-text search would travel in the address (GET). Send it through the
// BSN search form instead, which posts it. The server refuses a BSN in the address as well.
document.addEventListener("DOMContentLoaded", () => {
  const search = document.querySelector("form[data-jobseeker-search]");
  const bsnForm = document.querySelector("form[data-bsn-search]");
  if (!search || !bsnForm) return;
  search.addEventListener("submit", (event) => {
    const q = search.querySelector("input[name=q]");
    const digits = (q.value || "").replace(/[\s.]/g, "");
    if (/^\d{9}$/.test(digits)) {
      event.preventDefault();
      bsnForm.querySelector("input[name=bsn]").value = digits;
      q.value = "";
      bsnForm.requestSubmit();
    }
  });
});
