// Register page: the year of birth only concerns students, so hide it for professionals; the
// e-mail address is required of professionals only. The server checks both either way
// (frontend.forms.RegisterForm, accounts.services.user_register).
const form = document.querySelector("form[data-register]");
const field = document.getElementById("field-birth_year");
const email = document.getElementById("id_email");

if (form && field) {
  const input = field.querySelector("input");
  const update = () => {
    const role = form.querySelector("input[name=role]:checked")?.value;
    const hide = role === "professional";
    field.hidden = hide;
    // A hidden input must not be sent (or block the form): disable it while hidden.
    input.disabled = hide;
    if (email) {
      email.required = hide;
      email.setAttribute("aria-required", String(hide));
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "role") update();
  });
  update();
}
