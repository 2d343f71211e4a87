// Polls a run's JSON progress endpoint and reloads the page once the run is done.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress"), label = box.querySelector("[data-progress-label]");
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (run) {
        bar.value = run.progress;
        label.textContent = run.progress + "%";
        if (run.done) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
