/* Draws the page's charts with Apache ECharts (static/vendor/echarts, served locally).
 *
 * Each <figure class="chart" data-chart="ID"> holds a .chart-canvas and the json_script ID
 * with the chart's spec: kind, title, unit, categories, series (labels translated, money in
 * yuan, prepared by vouchers/charts.py). The figure's table stays the fallback without
 * JavaScript. Under the strict CSP: canvas renderer, and tooltips drawn on the canvas
 * (renderMode "richText"), because an HTML tooltip would carry style attributes.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "zh-Hans";
  var chinese = lang.indexOf("zh") === 0;
  var reducedMotion = window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var exact = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });

  function valueText(spec) {
    return function (value) {
      if (value === null || value === undefined) { return "—"; }
      return spec.unit ? exact.format(value) + " " + spec.unit : whole.format(value);
    };
  }

  function base(spec) {
    return {
      animation: !reducedMotion,
      grid: { containLabel: true, left: 8, right: 16, top: 40, bottom: 8 },
      legend: { top: 0, type: "scroll" },
      tooltip: { renderMode: "richText", valueFormatter: valueText(spec), confine: true },
      textStyle: { fontFamily: "inherit" }
    };
  }

  function barOption(spec, stacked) {
    // Horizontal bars: long program and category names stay readable on a phone.
    var option = base(spec);
    option.tooltip.trigger = "axis";
    option.xAxis = { type: "value", axisLabel: { formatter: compact.format } };
    option.yAxis = { type: "category", data: spec.categories, inverse: true,
                     axisLabel: { width: 140, overflow: "truncate" } };
    option.series = spec.series.map(function (series) {
      return { type: "bar", name: series.name, data: series.data,
               stack: stacked ? "total" : undefined, emphasis: { focus: "series" } };
    });
    return option;
  }

  function lineOption(spec) {
    var option = base(spec);
    option.tooltip.trigger = "axis";
    option.xAxis = { type: "category", data: spec.categories, boundaryGap: false };
    option.yAxis = { type: "value", axisLabel: { formatter: compact.format } };
    option.series = spec.series.map(function (series) {
      return { type: "line", name: series.name, data: series.data, symbolSize: 6 };
    });
    return option;
  }

  function heatmapOption(spec) {
    var cells = [];
    var highest = 0;
    spec.series.forEach(function (row, y) {
      row.data.forEach(function (value, x) {
        cells.push([x, y, value]);
        highest = Math.max(highest, value);
      });
    });
    var format = valueText(spec);
    var option = base(spec);
    delete option.legend;
    option.grid.bottom = 56;
    option.grid.top = 32;
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (item) {
      return spec.series[item.value[1]].name + " → " + spec.categories[item.value[0]] +
        "\n" + format(item.value[2]);
    };
    option.xAxis = { type: "category", data: spec.categories, name: spec.categoryTitle,
                     nameLocation: "middle", nameGap: 28, splitArea: { show: true } };
    option.yAxis = { type: "category", data: spec.series.map(function (row) { return row.name; }),
                     // inverse puts the first region on top; "start" keeps the name there too
                     name: spec.seriesTitle, nameLocation: "start", inverse: true,
                     nameTextStyle: { align: "left" },
                     splitArea: { show: true } };
    option.visualMap = { min: 0, max: highest || 1, calculable: false, orient: "horizontal",
                         left: "center", bottom: 0, itemHeight: 120,
                         formatter: function (value) { return compact.format(value); },
                         inRange: { color: ["#f3f7fb", "#8fb8de", "#1f5a96"] } };
    option.series = [{ type: "heatmap", data: cells,
                       label: { show: true, formatter: function (item) {
                         return compact.format(item.value[2]);
                       } },
                       emphasis: { itemStyle: { borderColor: "#222", borderWidth: 1 } } }];
    return option;
  }

  var builders = {
    bar: function (spec) { return barOption(spec, false); },
    stacked_bar: function (spec) { return barOption(spec, true); },
    line: lineOption,
    heatmap: heatmapOption
  };

  function draw(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    var canvas = figure.querySelector(".chart-canvas");
    if (!source || !canvas) { return null; }
    var spec = JSON.parse(source.textContent);
    var build = builders[spec.kind];
    if (!build) { return null; }
    figure.classList.add("chart-drawn");  // shows the drawing's box before it is measured
    var chart = window.echarts.init(canvas, null, {
      renderer: "canvas", locale: chinese ? "ZH" : "EN"
    });
    chart.setOption(build(spec));
    return chart;
  }

  function start() {
    if (!window.echarts) { return; }  // the tables remain
    var charts = [];
    document.querySelectorAll("figure.chart[data-chart]").forEach(function (figure) {
      var chart = draw(figure);
      if (chart) { charts.push(chart); }
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 100);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
