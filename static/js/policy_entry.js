// The policy entry form: show only the statuses of the kind chosen, the conditions only for a
// detainer policy honored with conditions, and the vote tally only for a resolution (the place
// fields: jurisdiction_picker.js). Without JavaScript every field shows and the server checks them.
(function () {
  var form = document.querySelector(".policy-entry-form");
  if (!form) return;
  var kind = form.querySelector("#kind");
  var status = form.querySelector("#status");
  var groups = status.querySelectorAll("optgroup"); // in the order of the kinds' options
  var conditions = form.querySelector("#conditions");
  var votes = form.querySelector("[data-kind=resolution]");
  function showStatuses() {
    groups.forEach(function (group, index) {
      var wanted = kind.selectedIndex === index;
      group.hidden = !wanted;
      group.disabled = !wanted;
      if (!wanted && status.selectedOptions[0] && status.selectedOptions[0].parentNode === group) {
        status.value = "";
      }
    });
    votes.hidden = kind.value !== "resolution";
    showConditions();
  }
  function showConditions() {
    conditions.hidden = !(kind.value === "detainers" && status.value === "conditions");
  }
  kind.addEventListener("change", showStatuses);
  status.addEventListener("change", showConditions);
  showStatuses();
})();
