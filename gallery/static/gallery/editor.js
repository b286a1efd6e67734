// Profile editor: the career path shows its filled steps and one empty row; "Add a step" shows
// the next one (or makes it). Without JavaScript every empty row shows and a save adds one more;
// the server reads every career_<n>_* field it receives.
const add = document.querySelector("[data-career-add]");
const rows = document.querySelector("[data-career-rows]");

const isEmpty = (row) =>
  !row.querySelector(".field__error") &&
  [...row.querySelectorAll("input")].every((input) => input.value.trim() === "");

function renumber(row, index, label) {
  for (const element of row.querySelectorAll("[id], [for], [name]")) {
    for (const attribute of ["id", "for", "name"]) {
      const value = element.getAttribute(attribute);
      if (value) element.setAttribute(attribute, value.replace(/career_\d+_/, `career_${index}_`));
    }
  }
  for (const input of row.querySelectorAll("input")) {
    input.value = "";
    input.removeAttribute("aria-describedby");
    input.removeAttribute("aria-invalid");
  }
  for (const error of row.querySelectorAll(".field__error")) error.remove();
  for (const field of row.querySelectorAll(".field--invalid")) field.classList.remove("field--invalid");
  row.querySelector("legend").textContent = label.replace("__n__", index + 1);
}

if (add && rows) {
  const max = Number(add.dataset.max) || 20;
  const waiting = () => rows.querySelector(":scope > [hidden]");
  const update = () => {
    add.hidden = rows.children.length >= max && !waiting();
  };

  let emptySeen = false;
  for (const row of rows.children) {
    if (!isEmpty(row)) continue;
    if (emptySeen) row.hidden = true;
    emptySeen = true;
  }

  add.addEventListener("click", () => {
    let row = waiting();
    if (row) {
      row.hidden = false;
    } else {
      row = rows.lastElementChild.cloneNode(true);
      renumber(row, rows.children.length, add.dataset.stepLabel);
      rows.append(row);
    }
    row.querySelector("input").focus();
    update();
  });
  update();
}
