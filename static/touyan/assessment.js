// Touyan assessment: the grade distribution per township as a horizontal stacked bar
// (data from the page's json_script "assessment-data"; CSP forbids inline script).
// Townships over the excellent quota are drawn with a red label. The numbers are in the
// table below the chart.
(function () {
  "use strict";

  const COLORS = ["#2e7d32", "#1565c0", "#ef6c00", "#b71c1c"]; // 优秀 称职 基本称职 不称职
  const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif';

  function option(data, el) {
    const small = el.clientWidth < 480;
    return {
      color: COLORS,
      textStyle: { fontFamily: FONT },
      animation: false,
      legend: { top: 0, itemWidth: 12, itemHeight: 12 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: (v) => v + " " + (data.unit || ""),
      },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { type: "dashed" } } },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.categories,
        axisLabel: {
          fontSize: small ? 11 : 12,
          width: small ? 84 : 160,
          overflow: "truncate",
          formatter: (name, index) => (data.flags[index] ? "{over|" + name + " ⚠}" : name),
          rich: { over: { color: "#b71c1c", fontWeight: "bold" } },
        },
      },
      series: data.series.map((s) => ({
        name: s.name,
        type: "bar",
        stack: "grades",
        barMaxWidth: 22,
        data: s.data,
        label: { show: !small, formatter: (p) => (p.value ? p.value : ""), fontSize: 11, color: "#fff" },
      })),
    };
  }

  function draw() {
    const source = document.getElementById("assessment-data");
    const el = document.querySelector('[data-chart="grades"]');
    if (!source || !el || typeof window.echarts === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(data, el));
    const redraw = () => {
      chart.resize();
      chart.setOption(option(data, el));
    };
    if ("ResizeObserver" in window) {
      new ResizeObserver(redraw).observe(el);
    } else {
      window.addEventListener("resize", redraw);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
