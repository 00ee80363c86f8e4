/* Charts of the statistics dashboard (Chart.js 4, vendored). Progressive enhancement: every chart has a table
   with the same numbers, and the page works without JavaScript. Data comes from <script type="application/json">
   blocks (json_script), so the Content Security Policy needs no inline script. */
(function () {
  "use strict";
  var COLORS = { early: "#1e6b34", onTime: "#2563eb", late: "#a50e0e", bar: "#1d4ed8" };

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.drawn) return;
    var source = data(canvas.dataset.source);
    if (!source) return;
    canvas.dataset.drawn = "1";
    if (canvas.dataset.chart === "doughnut") {
      new window.Chart(canvas, {
        type: "doughnut",
        data: { labels: source.labels, datasets: [{ data: source.values, backgroundColor: [COLORS.early, COLORS.onTime, COLORS.late] }] },
        options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: "right" } } }
      });
      return;
    }
    // Resolved dossiers per row, stacked early / on time / late; horizontal so that long names stay readable.
    var colors = [COLORS.early, COLORS.onTime, COLORS.late];
    canvas.parentNode.style.height = Math.max(10, 2.2 * source.labels.length + 4) + "rem";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: source.labels,
        datasets: source.series.map(function (serie, i) {
          return { label: serie.label, data: serie.data, backgroundColor: colors[i] };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  function syncPeriodFields(form) {
    var checked = form.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "year";
    form.querySelectorAll("[data-kinds]").forEach(function (box) {
      box.hidden = box.dataset.kinds.split(" ").indexOf(kind) === -1;
    });
  }

  function init() {
    drawAll(document);
    var form = document.getElementById("period-form");
    if (form && !form.dataset.synced) {
      form.dataset.synced = "1";
      syncPeriodFields(form);
      form.addEventListener("change", function () { syncPeriodFields(form); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
  // After an htmx swap the form and canvases are new elements: set them up again.
  document.body.addEventListener("htmx:afterSettle", init);
})();
