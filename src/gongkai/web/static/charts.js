// Draws every <div class="chart" data-option="ID"> from the JSON in <script id="ID">; the table beside it
// carries the same figures for readers without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  document.querySelectorAll("div.chart[data-option]").forEach(function (el) {
    var src = document.getElementById(el.dataset.option);
    if (!src) return;
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption(JSON.parse(src.textContent));
    el.dataset.drawn = "1";
  });
});
