// Small conveniences only; every page reads fine without this file.
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // toggle the outline of the hit on the page image
  var toggle = document.getElementById("toggle-outline");
  var image = document.getElementById("pageimage");
  if (toggle && image) {
    toggle.addEventListener("click", function () {
      var off = image.classList.toggle("outline-off");
      toggle.textContent = off ? "Show outline" : "Hide outline";
    });
  }
  // arrow keys turn the pages of a document (not while typing)
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/INPUT|TEXTAREA|SELECT/.test(tag) || event.altKey || event.ctrlKey || event.metaKey) return;
    var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : null;
    var link = rel && document.querySelector('#pagenav a[rel="' + rel + '"]');
    if (link) { window.location.href = link.href; }
  });
});
