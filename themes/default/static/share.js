// "Copy link" in the share section: the button stays hidden (the address is shown as
// text to select) unless the browser can write to the clipboard; a copy is confirmed
// in the status element beside it, which screen readers announce.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button.copy-link[data-url]").forEach(function (button) {
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-url")).then(function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied");
        }
      }, function () {
        button.hidden = true;
      });
    });
  });
})();
