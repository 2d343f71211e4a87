// Shows the chosen file's name next to the portal's translated "选择文件" button
// (accounts/templates/widgets/choose_file.html); the form works without this script.
(function () {
  "use strict";
  function show(input) {
    var label = input.closest(".file-choice");
    var name = label && label.querySelector(".file-choice-name");
    if (!name) { return; }
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    name.textContent = names.length ? names.join(", ") : name.getAttribute("data-none");
  }
  function bind() {
    document.querySelectorAll(".file-choice input[type=file]").forEach(function (input) {
      if (input.dataset.fileChoice) { return; }
      input.dataset.fileChoice = "1";
      input.addEventListener("change", function () { show(input); });
      show(input);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
