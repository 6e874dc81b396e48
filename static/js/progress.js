// Live figures: a panel with data-live-states polls its data-url every two seconds while its
// data-state is one of those states (an alert sending or paused, a petition open). Each element
// with data-figure="name" shows figures[name] (and is hidden while that is ""); a <progress>
// takes it as its value, in percent.
// When the state changes (an alert finished or cancelled elsewhere, a petition closed), the page
// reloads to show the new actions.
(function () {
  document.querySelectorAll("[data-live-states]").forEach(function (panel) {
    if (panel.dataset.liveStates.split(" ").indexOf(panel.dataset.state) < 0) return;
    function show(figures) {
      panel.querySelectorAll("[data-figure]").forEach(function (element) {
        var value = figures[element.dataset.figure];
        if (value === undefined) return;
        if (element.tagName === "PROGRESS") {
          element.value = value;
          value = value + "%";
        }
        element.textContent = value;
        element.hidden = value === "";  // a message shown only while there is one
      });
    }
    function update() {
      fetch(panel.dataset.url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (figures) {
          show(figures);
          if (figures.state !== panel.dataset.state) {
            window.location.reload();
          } else {
            setTimeout(update, 2000);
          }
        })
        .catch(function () { setTimeout(update, 10000); });
    }
    setTimeout(update, 2000);
  });
})();
