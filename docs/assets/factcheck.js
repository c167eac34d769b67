/* Progressive enhancement for the fact-check pages. Without JavaScript every page is complete:
   verdicts are written out, notes follow each paragraph, tables are plain tables. */
(function () {
  "use strict";

  /* The annotated text. Each claim is one link; hovering or focusing it lights up every
     piece of its passage and its note, and shows a popover with its verdict and summary.
     The popover (WCAG 1.4.13) stays while the pointer is on the passage or on the popover
     itself, or while the link has focus; Escape dismisses it. */
  function setUpAnnotatedText() {
    /* The headline's claims and the text's, with their notes. */
    var text = document.querySelector(".fc-source-page");
    if (!text || !text.querySelector("a.fc-claim")) return;
    var popover = document.getElementById("fc-popover");
    if (!popover) {
      popover = document.createElement("div");
      popover.id = "fc-popover";
      popover.className = "fc-popover";
      popover.setAttribute("role", "tooltip");
      popover.hidden = true;
      document.body.appendChild(popover);
    }
    var current = null, hideTimer = null;

    function pieces(claimId) {
      return text.querySelectorAll('[data-claim="' + claimId + '"]');
    }
    function link(claimId) {
      return text.querySelector('a.fc-claim[data-claim="' + claimId + '"]');
    }
    function setActive(claimId, on) {
      pieces(claimId).forEach(function (piece) { piece.classList.toggle("fc-active", on); });
    }

    function show(claimId, anchor) {
      clearTimeout(hideTimer);
      if (current === claimId) return;
      if (current) hide();
      var owner = link(claimId);
      var note = owner && document.getElementById(owner.getAttribute("data-note"));
      if (!note) return;
      popover.textContent = "";
      [["fc-note-number", "span"], ["fc-badge", "span"], ["fc-note-claim", "strong"], ["fc-note-summary", "span"]].forEach(function (part) {
        var source = note.querySelector("." + part[0]);
        if (!source) return;
        var copy = document.createElement(part[1]);
        copy.className = source.className + (part[0] === "fc-note-claim" ? " fc-popover-claim" : "");
        copy.textContent = source.textContent;
        if (part[0] === "fc-note-summary") copy.style.display = "block";
        popover.appendChild(copy);
        popover.appendChild(document.createTextNode(" "));
      });
      popover.hidden = false;
      var box = anchor.getClientRects()[0] || anchor.getBoundingClientRect();
      var width = document.documentElement.clientWidth;
      var left = Math.max(8, Math.min(box.left, width - popover.offsetWidth - 8));
      popover.style.left = (window.scrollX + left) + "px";
      popover.style.top = (window.scrollY + anchor.getBoundingClientRect().bottom + 4) + "px";
      owner.setAttribute("aria-describedby", "fc-popover");
      setActive(claimId, true);
      current = claimId;
    }

    function hide() {
      clearTimeout(hideTimer);
      popover.hidden = true;
      if (current) {
        var owner = link(current);
        if (owner) owner.removeAttribute("aria-describedby");
        setActive(current, false);
      }
      current = null;
    }

    function hideSoon() {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(function () {
        var focused = document.activeElement;
        if (current && focused && focused.getAttribute("data-claim") === current) return;
        hide();
      }, 300);
    }

    function claimOf(target) {
      var piece = target.closest && target.closest(".fc-claim");
      return piece ? piece.getAttribute("data-claim") : null;
    }

    text.addEventListener("mouseover", function (event) {
      var claimId = claimOf(event.target);
      if (claimId) show(claimId, event.target.closest(".fc-claim"));
    });
    text.addEventListener("mouseout", function (event) {
      if (claimOf(event.target) && !(event.relatedTarget && claimOf(event.relatedTarget) === current)) hideSoon();
    });
    text.addEventListener("focusin", function (event) {
      var claimId = claimOf(event.target);
      if (claimId) show(claimId, event.target);
    });
    text.addEventListener("focusout", function () { hide(); });
    /* The rest of a passage interrupted by another claim is not a second link, but a click on it still opens the claim. */
    text.addEventListener("click", function (event) {
      var more = event.target.closest && event.target.closest(".fc-claim-more");
      if (more && !window.getSelection().toString()) window.location.href = more.getAttribute("data-href");
    });
    popover.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    popover.addEventListener("mouseleave", hideSoon);
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
    window.document$.subscribe(function () { setUpAnnotatedText(); setUpTables(); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUpAnnotatedText(); setUpTables(); });
  }
})();
