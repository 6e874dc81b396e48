// The sign-on form without JavaScript shows every field; with it, fields that do not apply to
// the chosen kind of signer hide, and the organization name suggests names from the directory.
(function () {
  var form = document.querySelector("[data-signer-form]");
  if (!form) return;

  function showFor(kind) {
    form.querySelectorAll("[data-for]").forEach(function (part) {
      part.hidden = part.getAttribute("data-for") !== kind;
    });
  }
  var kinds = form.querySelectorAll("input[name=kind]");
  kinds.forEach(function (radio) {
    radio.addEventListener("change", function () { showFor(radio.value); });
    if (radio.checked) showFor(radio.value);
  });

  var box = form.querySelector("[data-suggest-url]");
  var input = form.querySelector("#organization_name");
  var list = document.getElementById("organization-suggestions");
  if (!box || !input || !list) return;
  input.setAttribute("list", list.id);
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var typed = input.value.trim();
    if (typed.length < 2) return;
    timer = setTimeout(function () {
      fetch(box.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(typed))
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) {
          list.replaceChildren();
          found.forEach(function (organization) {
            var option = document.createElement("option");
            option.value = organization.name;
            if (organization.place) option.label = organization.name + " · " + organization.place;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
