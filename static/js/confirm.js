// Forms with data-confirm ask before doing what cannot be undone (sending, cancelling).
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
