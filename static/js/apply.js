/* Progressive enhancement of /apply/ only: the form works without this file.
   - show the applicant fields of the chosen type (自然人 / 法人或其他组织) and hide the other group;
   - count the characters left in the description (limit from its maxlength). */
(function () {
  "use strict";

  function setupApplicantGroups(form) {
    var radios = form.querySelectorAll('input[name="applicant_type"]');
    var person = form.querySelector('[data-applicant-group="person"]');
    var organisation = form.querySelector('[data-applicant-group="organisation"]');
    if (!radios.length || !person || !organisation) return;

    function update() {
      var checked = form.querySelector('input[name="applicant_type"]:checked');
      if (!checked) {
        person.hidden = false;
        organisation.hidden = false;
        return;
      }
      var isPerson = checked.value === "natural_person";
      person.hidden = !isPerson;
      organisation.hidden = isPerson;
    }

    for (var i = 0; i < radios.length; i++) radios[i].addEventListener("change", update);
    update();
  }

  function setupCounter(form) {
    var counter = form.querySelector("[data-counter-for]");
    if (!counter) return;
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) return;
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!limit) return;
    var timer = null;

    function update() {
      var left = limit - field.value.length;
      var text = counter.getAttribute(left >= 0 ? "data-text-left" : "data-text-over") || "%s";
      counter.textContent = text.replace("%s", String(Math.abs(left)));
    }

    field.addEventListener("input", function () {
      // Announce after typing pauses, not on every key (aria-live="polite").
      if (timer) clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
    counter.hidden = false;
    update();
  }

  function init() {
    var form = document.querySelector(".apply-form");
    if (!form) return;
    setupApplicantGroups(form);
    setupCounter(form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
