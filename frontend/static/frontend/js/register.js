// Register page: the year of birth only concerns students, so hide it for professionals.
// The server checks it either way (profiles.services.user_register).
const form = document.querySelector("form[data-register]");
const field = document.getElementById("field-birth_year");

if (form && field) {
  const input = field.querySelector("input");
  const update = () => {
    const role = form.querySelector("input[name=role]:checked")?.value;
    const hide = role === "professional";
    field.hidden = hide;
    // A hidden input must not be sent (or block the form): disable it while hidden.
    input.disabled = hide;
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "role") update();
  });
  update();
}
