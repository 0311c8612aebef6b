/* Senim: draw every plotly figure on the page from its JSON data block.
 * <div data-figure="ID"> + <script type="application/json" id="ID"> (data, not executed). */
(function () {
  "use strict";
  if (typeof window.Plotly === "undefined") { return; }
  /* plotly.js fetches a world topojson from a CDN for geo maps unless one is preset. Senim's boundary
   * map brings its own GeoJSON and hides the base layers, so an empty topology is enough. */
  window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} };
  window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};
  ["world_110m", "world_50m"].forEach(function (name) {
    if (!window.PlotlyGeoAssets.topojson[name]) {
      window.PlotlyGeoAssets.topojson[name] = { type: "Topology", objects: {}, arcs: [] };
    }
  });
  var lang = document.documentElement.getAttribute("lang") || "en";
  var separators = { kk: ", ", ru: ", ", en: ".," }[lang] || ".,";
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    figure.layout = figure.layout || {};
    figure.layout.separators = separators;
    var config = {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "sendDataToCloud"],
      toImageButtonOptions: { format: "png", filename: el.getAttribute("data-filename") || "senim-chart", scale: 2 }
    };
    window.Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {
      el.setAttribute("data-rendered", "true");
    });
  });
})();
