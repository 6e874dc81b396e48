// Live progress of a sending alert: polls the figures every two seconds until it is done.
(function () {
  var panel = document.getElementById("progress");
  if (!panel || ["sending", "paused"].indexOf(panel.dataset.state) < 0) return;
  var bar = document.getElementById("progress-bar");
  function update() {
    fetch(panel.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (figures) {
        ["sent", "failed", "suppressed", "remaining"].forEach(function (name) {
          panel.querySelector('[data-figure="' + name + '"]').textContent = figures[name];
        });
        bar.value = figures.percent;
        bar.textContent = figures.percent + "%";
        if (figures.state !== panel.dataset.state) {
          window.location.reload(); // finished, paused elsewhere or cancelled: show the new actions
        } else {
          setTimeout(update, 2000);
        }
      })
      .catch(function () { setTimeout(update, 10000); });
  }
  setTimeout(update, 2000);
})();
