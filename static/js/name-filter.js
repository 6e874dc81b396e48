// Check-in: filter the list by name as the host types, in the page, so attendees' names never
// travel in URLs (and server logs). Without JavaScript the form searches on the server instead.
// The filter outlives the reload after each tap (sessionStorage, this tab only).
(function () {
  var form = document.getElementById("name-filter");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var rows = document.querySelectorAll("[data-name]");
  var key = "name-filter:" + window.location.pathname;
  function apply() {
    var needle = input.value.trim().toLowerCase();
    rows.forEach(function (row) {
      row.hidden = needle !== "" && row.dataset.name.toLowerCase().indexOf(needle) < 0;
    });
    sessionStorage.setItem(key, input.value);
  }
  if (!input.value) input.value = sessionStorage.getItem(key) || "";
  input.addEventListener("input", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  apply();
})();
