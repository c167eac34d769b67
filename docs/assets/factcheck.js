/* Progressive enhancement for the fact-check pages. Without JavaScript every page is complete:
   verdicts are written out, notes follow each paragraph, tables are plain tables. */
(function () {
  "use strict";

  /* Popovers on the annotated text: hovering or focusing a highlight shows its verdict and
     summary; Escape dismisses; the popover describes the focused link for screen readers. */
  function setUpPopovers() {
    var links = document.querySelectorAll("a.fc-hl-link[data-note]");
    if (!links.length) return;
    var popover = document.createElement("div");
    popover.id = "fc-popover";
    popover.className = "fc-popover";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    document.body.appendChild(popover);
    var current = null;

    function show(link) {
      var note = document.getElementById(link.getAttribute("data-note"));
      if (!note) return;
      popover.textContent = "";
      ["fc-badge", "fc-note-claim", "fc-note-summary"].forEach(function (name) {
        var part = note.querySelector("." + name);
        if (part) {
          var copy = document.createElement(name === "fc-note-claim" ? "strong" : "span");
          copy.className = part.className;
          copy.textContent = part.textContent;
          popover.appendChild(copy);
          popover.appendChild(document.createTextNode(" "));
        }
      });
      popover.hidden = false;
      var box = link.getBoundingClientRect();
      var top = window.scrollY + box.bottom + 6;
      var left = Math.max(8, Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - popover.offsetWidth - 8));
      popover.style.top = top + "px";
      popover.style.left = left + "px";
      if (current && current !== link) current.removeAttribute("aria-describedby");
      link.setAttribute("aria-describedby", "fc-popover");
      current = link;
    }

    function hide() {
      popover.hidden = true;
      if (current) current.removeAttribute("aria-describedby");
      current = null;
    }

    links.forEach(function (link) {
      link.removeAttribute("title"); // the popover replaces the browser's tooltip
      link.addEventListener("mouseenter", function () { show(link); });
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("mouseleave", hide);
      link.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !popover.hidden) hide();
    });
  }

  /* Tables of claims: sortable by any column, filterable by text and verdict. */
  function setUpTables() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table, tableIndex) {
      var body = table.tBodies[0];
      if (!body) return;
      var rows = Array.prototype.slice.call(body.rows);
      var headers = table.tHead ? table.tHead.rows[0].cells : [];

      Array.prototype.forEach.call(headers, function (header, column) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "fc-sort";
        button.textContent = header.textContent;
        header.textContent = "";
        header.appendChild(button);
        button.addEventListener("click", function () {
          var ascending = header.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
          header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          rows.sort(function (a, b) {
            var x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
            var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });

      var verdicts = [];
      rows.forEach(function (row) {
        var badge = row.querySelector(".fc-badge");
        if (badge && verdicts.indexOf(badge.textContent) < 0) verdicts.push(badge.textContent);
      });
      var controls = document.createElement("div");
      controls.className = "fc-table-controls";
      var textId = "fc-filter-text-" + tableIndex, verdictId = "fc-filter-verdict-" + tableIndex;
      controls.innerHTML =
        '<label for="' + textId + '">Filter</label> <input type="search" id="' + textId + '"> ' +
        '<label for="' + verdictId + '">Verdict</label> <select id="' + verdictId + '"><option value="">All verdicts</option></select> ' +
        '<span class="fc-table-status" role="status" aria-live="polite"></span>';
      var select = controls.querySelector("select");
      addOptions(select, verdicts);
      /* A table of claims from several sources (rows carry data-source) is also filtered by source. */
      var sources = [];
      rows.forEach(function (row) {
        var source = row.getAttribute("data-source");
        if (source !== null && sources.indexOf(source) < 0) sources.push(source);
      });
      var sourceSelect = null;
      if (sources.length > 1) {
        var sourceId = "fc-filter-source-" + tableIndex;
        var label = document.createElement("label");
        label.htmlFor = sourceId;
        label.textContent = "Source";
        sourceSelect = document.createElement("select");
        sourceSelect.id = sourceId;
        addOptions(sourceSelect, ["All sources"].concat(sources));
        sourceSelect.options[0].value = "";
        var status0 = controls.querySelector(".fc-table-status");
        controls.insertBefore(label, status0);
        controls.insertBefore(document.createTextNode(" "), status0);
        controls.insertBefore(sourceSelect, status0);
        controls.insertBefore(document.createTextNode(" "), status0);
      }
      table.parentNode.insertBefore(controls, table);
      var input = controls.querySelector("input"), status = controls.querySelector(".fc-table-status");

      function filter() {
        var words = input.value.toLowerCase().trim(), verdict = select.value, shown = 0;
        var source = sourceSelect ? sourceSelect.value : "";
        rows.forEach(function (row) {
          var badge = row.querySelector(".fc-badge");
          var visible = (!words || row.textContent.toLowerCase().indexOf(words) >= 0) &&
                        (!verdict || (badge && badge.textContent === verdict)) &&
                        (!source || row.getAttribute("data-source") === source);
          row.hidden = !visible;
          if (visible) shown += 1;
        });
        status.textContent = shown + " of " + rows.length + " claims shown";
      }
      input.addEventListener("input", filter);
      select.addEventListener("change", filter);
      if (sourceSelect) sourceSelect.addEventListener("change", filter);
    });
  }

  function addOptions(select, labels) {
    labels.forEach(function (label) {
      var option = document.createElement("option");
      option.value = label;
      option.textContent = label;
      select.appendChild(option);
    });
  }

  function sortKey(cell) {
    var value = cell.getAttribute("data-sort");
    if (value === null) value = cell.textContent.trim();
    return /^-?\d+(\.\d+)?$/.test(value) ? parseFloat(value) : value;
  }

  /* Material's instant navigation would replace the page without reloading this script. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { setUpPopovers(); setUpTables(); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUpPopovers(); setUpTables(); });
  }
})();
