// Every form that picks a place (templates/policies/_jurisdiction_picker.html): show only the
// fields of the level chosen. Without JavaScript every field shows and the server checks them.
(function () {
  document.querySelectorAll(".jurisdiction-picker").forEach(function (picker) {
    var levels = picker.querySelectorAll("input[name=level]");
    var county = picker.querySelector("#county_name").closest(".field");
    var city = picker.querySelector("#city_name").closest(".field");
    function showPlaces() {
      var level = picker.querySelector("input[name=level]:checked");
      var value = level ? level.value : "";
      county.hidden = value === "state";
      city.hidden = value !== "city";
    }
    levels.forEach(function (input) { input.addEventListener("change", showPlaces); });
    showPlaces();
  });
})();
