/* The app's only script besides htmx: loaded from here, so the CSP needs no inline script.
   Runs in <head> before the page is drawn (no flash of the no-js layout). */
document.documentElement.classList.replace("no-js", "js");

document.addEventListener("change", (event) => {
  const control = event.target;
  // <select data-autosubmit>: choosing is submitting (the form's button shows without script)
  if (control.matches("[data-autosubmit]") && control.form) {
    control.form.requestSubmit();
  }
  // <select data-kind-for="form|fieldset">: the key-result kind decides which fields show
  const holder = control.dataset.kindFor && control.closest(control.dataset.kindFor);
  if (holder) {
    holder.dataset.kind = control.value;
  }
});
