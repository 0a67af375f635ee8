// Search and filters of the catalogue index: plain JavaScript over window.CDX_INDEX
// (static/search-index.js, a script so that it loads from file:// too).
(function () {
  "use strict";
  var index = window.CDX_INDEX || [];
  var form = document.getElementById("filters");
  if (!form) { return; }
  var query = document.getElementById("q");
  var selects = {
    country: document.getElementById("country"),
    sdg: document.getElementById("sdg"),
    group: document.getElementById("group")
  };
  var count = document.getElementById("count");
  var noneFound = document.getElementById("none-found");
  var byKey = {};
  index.forEach(function (row) { byKey[row.key] = row; });

  function values(field) {
    var seen = {};
    index.forEach(function (row) {
      [].concat(row[field] || []).forEach(function (value) { if (value) { seen[value] = true; } });
    });
    return Object.keys(seen).sort();
  }
  function fill(select, options) {
    options.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  }
  fill(selects.country, values("country"));
  fill(selects.sdg, values("sdg"));
  fill(selects.group, values("groups"));

  function text(row) {
    return [row.title, row.description, row.coalition, row.coalitionName, row.dataset,
      row.population, row.country].concat(row.sdg || [], row.groups || []).join(" ").toLowerCase();
  }
  function matches(row) {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var haystack = text(row);
    if (!words.every(function (word) { return haystack.indexOf(word) !== -1; })) { return false; }
    if (selects.country.value && row.country !== selects.country.value) { return false; }
    if (selects.sdg.value && (row.sdg || []).indexOf(selects.sdg.value) === -1) { return false; }
    if (selects.group.value && (row.groups || []).indexOf(selects.group.value) === -1) { return false; }
    return true;
  }
  function apply() {
    var shown = 0;
    var items = document.querySelectorAll("li.dataset");
    items.forEach(function (item) {
      var row = byKey[item.getAttribute("data-key")];
      var visible = !row || matches(row);
      item.hidden = !visible;
      if (visible) { shown += 1; }
    });
    document.querySelectorAll("section.coalition").forEach(function (section) {
      section.hidden = section.querySelectorAll("li.dataset:not([hidden])").length === 0;
    });
    count.textContent = count.getAttribute("data-template")
      .replace("{shown}", shown).replace("{total}", items.length);
    noneFound.hidden = shown !== 0;
  }
  query.addEventListener("input", apply);
  Object.keys(selects).forEach(function (name) { selects[name].addEventListener("change", apply); });
  apply();
}());
