/* Progressive enhancement for the fact-check pages. Without JavaScript every page is complete:
   verdicts are written out, notes follow each paragraph, tables are plain tables. */
(function () {
  "use strict";

  /* The annotated text. Each claim is one link, described by its note's verdict and summary
     (aria-describedby, so a screen reader says the verdict once). Hovering or focusing a
     passage lights up its pieces and its note.
     - Notes beside the text (wide screens): each note is moved level with its passage, as near as
       the notes around it allow, and opens in full while its passage is hovered, focused or
       tapped; nothing covers the text.
     - Notes after the paragraph (narrow screens): a popover under the passage's line shows the
       verdict and summary on hover or focus, a visual copy of the note (hidden from screen readers,
       which have the description). It stays while the pointer is on the passage or the popover, or
       while the link has focus; Escape dismisses it (WCAG 1.4.13). A tap on a passage opens it as
       a preview with a link to the full check (the link says it is expanded); a second tap follows
       the link. */
  function setUpAnnotatedText() {
    var text = document.querySelector(".fc-source-page");
    if (!text || !text.querySelector("a.fc-claim")) return;
    var annotated = text.querySelector(".fc-annotated");
    var popover = document.getElementById("fc-popover");
    if (!popover) {
      popover = document.createElement("div");
      popover.id = "fc-popover";
      popover.className = "fc-popover";
      document.body.appendChild(popover);
    }
    popover.hidden = true;
    popover.setAttribute("aria-hidden", "true");
    var current = null, expanded = false, hideTimer = null, lastPointer = "mouse", returning = false;

    /* Closing a preview puts focus back on its passage, without opening the popover again. */
    function closeTo(owner) {
      hide();
      if (!owner) return;
      returning = true;
      owner.focus();
      returning = false;
    }

    function pieces(claimId) {
      return text.querySelectorAll('[data-claim="' + claimId + '"]');
    }
    function link(claimId) {
      return text.querySelector('a.fc-claim[data-claim="' + claimId + '"]');
    }
    function noteOf(claimId) {
      var owner = link(claimId);
      return owner && document.getElementById(owner.getAttribute("data-note"));
    }
    function setActive(claimId, on) {
      pieces(claimId).forEach(function (piece) { piece.classList.toggle("fc-active", on); });
    }
    /* Is this claim's note beside the text (or the headline's, under it), on screen? Then the popover
       would only repeat it. */
    function noteBeside(claimId) {
      var note = noteOf(claimId);
      if (!note || !annotated || !annotated.classList.contains("fc-aligned")) return false;
      var box = note.getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    }

    function fill(note, claimId, asPreview) {
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
      if (asPreview) {
        var actions = document.createElement("span");
        actions.className = "fc-popover-actions";
        var full = document.createElement("a");
        full.href = link(claimId).getAttribute("href");
        full.textContent = "Read the full check";
        var close = document.createElement("button");
        close.type = "button";
        close.className = "fc-popover-close";
        close.textContent = "Close";
        close.addEventListener("click", function () { closeTo(link(claimId)); });
        actions.appendChild(full);
        actions.appendChild(close);
        popover.appendChild(actions);
      }
    }

    function place(anchor) {
      var line = anchor.getClientRects()[0] || anchor.getBoundingClientRect();
      var width = document.documentElement.clientWidth;
      var left = Math.max(8, Math.min(line.left, width - popover.offsetWidth - 8));
      popover.style.left = (window.scrollX + left) + "px";
      /* Under the line the pointer or focus is on, not under the whole passage. */
      popover.style.top = (window.scrollY + line.bottom + 4) + "px";
    }

    function show(claimId, anchor, asPreview) {
      clearTimeout(hideTimer);
      if (current === claimId && (expanded || !asPreview)) return;
      if (current) hide();
      setActive(claimId, true);
      current = claimId;
      var note = noteOf(claimId);
      if (!note) return;
      expanded = !!asPreview;
      if (noteBeside(claimId)) {
        /* The note beside the passage opens in full: nothing to add over the text. */
        if (expanded) {
          link(claimId).setAttribute("aria-expanded", "true");
          link(claimId).setAttribute("aria-controls", note.id);
        }
        return;
      }
      fill(note, claimId, asPreview);
      if (expanded) {
        popover.removeAttribute("aria-hidden");
        popover.setAttribute("role", "group");
        popover.setAttribute("aria-label", "Claim " + note.querySelector(".fc-note-number").textContent.replace(/\D+/g, ""));
        link(claimId).setAttribute("aria-expanded", "true");
        link(claimId).setAttribute("aria-controls", "fc-popover");
      } else {
        popover.setAttribute("aria-hidden", "true");
        popover.removeAttribute("role");
        popover.removeAttribute("aria-label");
      }
      popover.hidden = false;
      place(anchor);
      /* A preview opened by a tap is brought wholly into view, its passage kept above it. */
      if (expanded && popover.getBoundingClientRect().bottom > window.innerHeight) {
        window.scrollBy(0, Math.min(popover.getBoundingClientRect().bottom - window.innerHeight + 8,
                                    anchor.getBoundingClientRect().top - 64));
      }
    }

    function hide() {
      clearTimeout(hideTimer);
      popover.hidden = true;
      popover.setAttribute("aria-hidden", "true");
      if (current) {
        var owner = link(current);
        if (owner) { owner.removeAttribute("aria-expanded"); owner.removeAttribute("aria-controls"); }
        setActive(current, false);
      }
      current = null;
      expanded = false;
    }

    function hideSoon() {
      clearTimeout(hideTimer);
      if (expanded) return;  // an opened preview stays until closed
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

    text.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; });
    text.addEventListener("mouseover", function (event) {
      var claimId = claimOf(event.target);
      if (claimId && !expanded && lastPointer === "mouse") show(claimId, event.target.closest(".fc-claim"), false);
    });
    text.addEventListener("mouseout", function (event) {
      if (claimOf(event.target) && !(event.relatedTarget && claimOf(event.relatedTarget) === current)) hideSoon();
    });
    text.addEventListener("focusin", function (event) {
      var claimId = claimOf(event.target);
      if (claimId && !returning && !(expanded && claimId === current)) show(claimId, event.target, false);
    });
    text.addEventListener("focusout", function (event) {
      if (!expanded && !(event.relatedTarget && popover.contains(event.relatedTarget))) hide();
    });
    text.addEventListener("click", function (event) {
      var piece = event.target.closest && event.target.closest(".fc-claim");
      if (!piece || window.getSelection().toString()) return;
      var claimId = piece.getAttribute("data-claim");
      /* A tap, where the note is not beside the passage: the first shows the verdict in place. */
      if (lastPointer !== "mouse" && event.detail > 0 && !(expanded && current === claimId)) {
        event.preventDefault();
        lastPointer = "mouse";
        show(claimId, piece, true);
        return;
      }
      /* The rest of a passage interrupted by another claim is not a second link, but a click on it still opens the claim. */
      if (piece.classList.contains("fc-claim-more")) window.location.href = piece.getAttribute("data-href");
    });
    popover.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    popover.addEventListener("mouseleave", hideSoon);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !popover.hidden) {
        closeTo(expanded && current && link(current));
      }
    });
    document.addEventListener("click", function (event) {
      if (expanded && !popover.contains(event.target) && !claimOf(event.target) &&
          !(event.target.closest && event.target.closest("li.fc-note"))) hide();
    });

    if (annotated) alignNotes(annotated);
  }

  /* Notes beside the text, each level with its passage's first line. Where notes crowd (many claims
     in a few lines), a run of touching notes is moved up into the free space above it, by up to half
     its largest drift, so that the notes of the run sit around their passages rather than trailing
     below. Only where the stylesheet puts them beside the text (a two-column grid); without
     JavaScript the grid keeps them beside their paragraph. */
  function alignNotes(annotated) {
    var notes = Array.prototype.slice.call(annotated.querySelectorAll("li.fc-note"));
    var gap = 6;
    function layout() {
      annotated.classList.remove("fc-aligned");
      annotated.style.minHeight = "";
      if (getComputedStyle(annotated).display !== "grid") {
        notes.forEach(function (note) { note.style.top = ""; });
        return;
      }
      annotated.classList.add("fc-aligned");
      var origin = annotated.getBoundingClientRect().top;
      var placed = notes.map(function (note) {
        var passage = annotated.querySelector('a.fc-claim[data-note="' + note.id + '"]');
        var line = passage && (passage.getClientRects()[0] || passage.getBoundingClientRect());
        return { note: note, want: line ? line.top - origin : 0, height: note.offsetHeight };
      });
      /* Down the page: each note at its passage, or just below the note before it. */
      var below = 0, runs = [];
      placed.forEach(function (item) {
        item.top = Math.max(item.want, below);
        if (!runs.length || item.top > below) runs.push({ items: [], free: item.top - below });
        runs[runs.length - 1].items.push(item);
        below = item.top + item.height + gap;
      });
      /* Each crowded run up into the space above it, by at most half its largest drift. */
      runs.forEach(function (run) {
        var drift = Math.max.apply(null, run.items.map(function (item) { return item.top - item.want; }));
        var up = Math.max(0, Math.min(run.free, drift / 2));
        run.items.forEach(function (item) { item.top -= up; });
      });
      var bottom = 0;
      placed.forEach(function (item) {
        item.note.style.top = item.top + "px";
        bottom = Math.max(bottom, item.top + item.height);
      });
      annotated.style.minHeight = bottom + "px";
    }
    layout();
    if (window.ResizeObserver) {
      var width = annotated.clientWidth;
      new ResizeObserver(function () {
        if (annotated.clientWidth !== width) { width = annotated.clientWidth; layout(); }
      }).observe(annotated);
    }
    window.addEventListener("resize", layout);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(layout);
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
      var sources = [], languages = [];
      rows.forEach(function (row) {
        var source = row.getAttribute("data-source");
        if (source !== null && sources.indexOf(source) < 0) {
          sources.push(source);
          /* A source's title in its own language, the rest in the page's. */
          languages.push(row.getAttribute("data-source-lang") === document.documentElement.lang ? "" : row.getAttribute("data-source-lang"));
        }
      });
      var sourceSelect = null;
      if (sources.length > 1) {
        var sourceId = "fc-filter-source-" + tableIndex;
        var label = document.createElement("label");
        label.htmlFor = sourceId;
        label.textContent = "Source";
        sourceSelect = document.createElement("select");
        sourceSelect.id = sourceId;
        addOptions(sourceSelect, ["All sources"].concat(sources), [""].concat(languages));
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

  function addOptions(select, labels, languages) {
    labels.forEach(function (label, index) {
      var option = document.createElement("option");
      option.value = label;
      option.textContent = label;
      if (languages && languages[index]) option.lang = languages[index];
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
