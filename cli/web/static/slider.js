// The only script of the browser view: a month slider that sets the as-of field.
// Without it the form works as is; the slider stays hidden.
(function () {
  "use strict";
  var slider = document.getElementById("day-slider");
  var field = document.getElementById("as_of");
  if (!slider || !field) { return; }
  var first = slider.dataset.first.split("-");
  var year0 = parseInt(first[0], 10), month0 = parseInt(first[1], 10) - 1;
  function month(index) {
    var total = month0 + index;
    var y = year0 + Math.floor(total / 12), m = (total % 12) + 1;
    return String(y).padStart(4, "0") + "-" + String(m).padStart(2, "0");
  }
  slider.parentElement.hidden = false;
  slider.setAttribute("aria-valuetext", month(parseInt(slider.value, 10)));
  slider.addEventListener("input", function () {
    field.value = month(parseInt(slider.value, 10));
    slider.setAttribute("aria-valuetext", field.value);
  });
  slider.addEventListener("change", function () { field.form.requestSubmit(); });
}());
