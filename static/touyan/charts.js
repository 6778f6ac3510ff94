// Touyan charts: draws every [data-chart] element from the page's json_script data
// (CSP forbids inline script). ECharts is served locally; nothing is fetched.
//
// Data shape (see touyan/dashboards/views_structure.py chart_data):
//   {"unit": "人",   (a chart's own "unit" wins over the page's)
//    "<key>": {"kind": "bar", "horizontal": bool, "categories": [...], "values": [...]},
//    "<key>": {"kind": "pie", "items": [{"name": ..., "value": ...}, ...]}}
(function () {
  "use strict";

  const RED = "#b71c1c";
  const PALETTE = [RED, "#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#795548", "#607d8b"];
  const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif';

  function narrow(el) {
    return el.clientWidth < 480;
  }

  function barOption(spec, unit, el) {
    const small = narrow(el);
    const categoryAxis = {
      type: "category",
      data: spec.categories,
      axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: small ? 11 : 12, interval: 0, hideOverlap: false },
    };
    const valueAxis = { type: "value", minInterval: 1, axisLabel: { fontSize: 11 }, splitLine: { lineStyle: { type: "dashed" } } };
    if (spec.horizontal) {
      categoryAxis.inverse = true; // the first category at the top, as in the table
    } else if (small) {
      categoryAxis.axisLabel.rotate = 30;
    }
    return {
      color: [RED],
      textStyle: { fontFamily: FONT },
      animation: false,
      grid: { left: 8, right: 36, top: spec.horizontal ? 8 : 22, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => v + " " + unit },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: [{
        type: "bar",
        data: spec.values,
        barMaxWidth: 28,
        label: { show: true, position: spec.horizontal ? "right" : "top", fontSize: 11 },
      }],
    };
  }

  function pieOption(spec, unit, el) {
    const small = narrow(el);
    return {
      color: ["#1565c0", RED].concat(PALETTE.slice(2)), // 男 blue, 女 red, as in the table order
      textStyle: { fontFamily: FONT },
      animation: false,
      tooltip: { trigger: "item", formatter: (p) => p.name + ":" + p.value + " " + unit },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 12 },
      series: [{
        type: "pie",
        radius: small ? ["30%", "58%"] : ["35%", "65%"],
        center: ["50%", "45%"],
        data: spec.items,
        // The page's own rounded share (0.1 %, half up), so the chart and its table agree.
        label: { formatter: (p) => p.name + "\n" + (p.data.share === null ? "—" : p.data.share + "%"), fontSize: 12 },
      }],
    };
  }

  function draw() {
    const source = document.getElementById("structure-data");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const unit = data.unit || "";
    const charts = [];
    document.querySelectorAll("[data-chart]").forEach((el) => {
      const spec = data[el.dataset.chart];
      if (!spec) {
        return;
      }
      const chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(spec.kind === "pie" ? pieOption(spec, spec.unit || unit, el) : barOption(spec, spec.unit || unit, el));
      charts.push({ chart: chart, spec: spec, el: el });
    });
    // Resize with the element (phone rotation, side menu, window): redraw for narrow screens too.
    const redraw = (item) => {
      item.chart.resize();
      item.chart.setOption(item.spec.kind === "pie" ? pieOption(item.spec, item.spec.unit || unit, item.el) : barOption(item.spec, item.spec.unit || unit, item.el));
    };
    if ("ResizeObserver" in window) {
      const observer = new ResizeObserver((entries) => {
        entries.forEach((entry) => {
          const item = charts.find((c) => c.el === entry.target);
          if (item) {
            redraw(item);
          }
        });
      });
      charts.forEach((item) => observer.observe(item.el));
    } else {
      window.addEventListener("resize", () => charts.forEach(redraw));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
