// Charts of the dashboard and the index page (Apache ECharts, vendored). Each chart reads the
// data table that follows it (data-source), so the chart and its accessible table show the
// same numbers; no data is inlined in the page (strict CSP, no inline scripts).
(function () {
  "use strict";
  function cells(table) {
    var rows = [];
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var th = tr.querySelector("th");
      var tds = tr.querySelectorAll("td");
      if (!th || !tds.length) return;
      rows.push({ label: th.textContent.trim(), values: Array.prototype.map.call(tds, function (td) {
        var n = parseFloat(td.textContent.replace(",", "."));
        return isNaN(n) ? null : n;
      }) });
    });
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    return { heads: heads.slice(1), rows: rows };
  }
  function draw(el) {
    var table = document.getElementById(el.getAttribute("data-source"));
    if (!table || !window.echarts) return;
    var data = cells(table);
    var kind = el.getAttribute("data-chart");
    var labels = data.rows.map(function (r) { return r.label; });
    var colors = ["#1b6ec2", "#c62828", "#7cb342"];
    var series;
    if (kind === "index") {
      series = [
        { name: data.heads[0], type: "bar", data: data.rows.map(function (r) { return r.values[0]; }) },
        { name: data.heads[1], type: "bar", data: data.rows.map(function (r) { return r.values[1]; }) }
      ];
      colors = ["#1b6ec2", "#cfd8dc"];
    } else {
      series = data.heads.map(function (name, i) {
        return { name: name, type: kind === "trend" ? "line" : "bar", stack: kind === "units" ? "t" : undefined,
          data: data.rows.map(function (r) { return r.values[i]; }) };
      });
      if (kind === "trend") colors = ["#546e7a", "#1b6ec2", "#c62828"];
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var narrow = el.clientWidth < 500;
    chart.setOption({
      color: colors,
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: narrow ? 8 : 16, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: kind === "trend" ? { type: "category", data: labels } : { type: "value" },
      yAxis: kind === "trend" ? { type: "value" } : { type: "category", data: labels, inverse: true,
        axisLabel: { width: narrow ? 110 : 220, overflow: "truncate" } },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() { document.querySelectorAll(".chart[data-source]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
