// Behaviour of generated pages, written for this site and needing nothing from outside:
// - tables marked data-sortable sort by a column when its header button is pressed
//   (mouse or keyboard), and say so with aria-sort;
// - the "cite this" box opens for printing, and closes again after.
(function () {
  "use strict";

  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function cellText(row, column) {
    var cell = row.cells[column];
    return cell ? cell.textContent.trim() : "";
  }

  function sortBy(table, header, column) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, key: cellText(row, column), index: index };
    });
    rows.sort(function (a, b) {
      var order = collator.compare(a.key, b.key);
      if (!ascending) order = -order;
      return order || a.index - b.index;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tHead.rows.length || table.dataset.sortReady) return;
    table.dataset.sortReady = "true";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mx-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, column); });
    });
  }

  function openForPrint() {
    document.querySelectorAll("details.mx-cite:not([open])").forEach(function (box) {
      box.setAttribute("open", "");
      box.dataset.printOpened = "true";
    });
  }

  function closeAfterPrint() {
    document.querySelectorAll("details[data-print-opened]").forEach(function (box) {
      box.removeAttribute("open");
      delete box.dataset.printOpened;
    });
  }

  function setUp() {
    document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
  window.addEventListener("beforeprint", openForPrint);
  window.addEventListener("afterprint", closeAfterPrint);
})();
