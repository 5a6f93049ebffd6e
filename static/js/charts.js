// Draw every <canvas data-chart="ID"> from the JSON in <script id="ID">,
// written by the view with json_script. Colours come from the stylesheet's
// custom properties, so charts follow the light or dark scheme.
"use strict";

(function () {
  const kinds = {
    bar: (data, colours) => ({
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((series, index) => ({
          label: series.label,
          data: series.data,
          backgroundColor: colours.series[index % colours.series.length],
        })),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    line: (data, colours) => ({
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map((series, index) => ({
          label: series.label,
          data: series.data,
          borderColor: colours.series[index % colours.series.length],
          backgroundColor: colours.series[index % colours.series.length],
          pointRadius: data.labels.length > 60 ? 0 : 3,
          tension: 0.2,
        })),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    // Ranks: 1 at the top, gaps where the track was not in a list.
    rank: (data, colours) => ({
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series
          .filter((series) => series.data.some((value) => value !== null))
          .map((series, index) => ({
            label: series.label,
            data: series.data,
            borderColor: colours.series[index % colours.series.length],
            backgroundColor: colours.series[index % colours.series.length],
            pointRadius: data.labels.length > 60 ? 1 : 3,
            spanGaps: false,
          })),
      },
      options: {
        scales: { y: { reverse: true, min: 1, max: 50, ticks: { precision: 0 } } },
      },
    }),
  };

  function colours() {
    const style = getComputedStyle(document.documentElement);
    const read = (name) => style.getPropertyValue(name).trim();
    return {
      text: read("--muted"),
      grid: read("--chart-grid"),
      series: [read("--chart-1"), read("--chart-2"), read("--chart-3")],
    };
  }

  function configure(data, palette) {
    const config = kinds[data.kind](data, palette);
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = reduced ? false : { duration: 400 };
    config.options.plugins = {
      legend: { display: data.series.length > 1, labels: { color: palette.text } },
    };
    for (const axis of Object.values(config.options.scales)) {
      axis.ticks.color = palette.text;
      axis.grid = { color: palette.grid };
    }
    // Date labels stay level and Chart.js drops the ones that do not fit.
    // offset keeps half a step free at each end: without it Chart.js counts
    // one label more than the axis can hold (it expects labels at both
    // ends, but the ones it keeps stop short of the end), so at phone width
    // "2024-12-11" ran into "2025-05-07". With it, the kept labels are
    // always at least a label's width plus autoSkipPadding apart.
    config.options.scales.x = {
      offset: true,
      ticks: {
        color: palette.text,
        autoSkip: true,
        autoSkipPadding: 12,
        maxRotation: 0,
        minRotation: 0,
      },
      grid: { color: palette.grid },
    };
    if (data.yLabel) {
      config.options.scales.y.title = {
        display: true,
        text: data.yLabel,
        color: palette.text,
      };
    }
    return config;
  }

  function drawAll() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    const palette = colours();
    for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
      const source = document.getElementById(canvas.dataset.chart);
      if (!source) {
        continue;
      }
      const data = JSON.parse(source.textContent);
      if (!kinds[data.kind]) {
        continue;
      }
      const existing = window.Chart.getChart(canvas);
      if (existing) {
        existing.destroy();
      }
      new window.Chart(canvas, configure(data, palette));
    }
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  // Redraw in the new colours when the system switches light and dark.
  window
    .matchMedia("(prefers-color-scheme: dark)")
    .addEventListener("change", drawAll);
})();
