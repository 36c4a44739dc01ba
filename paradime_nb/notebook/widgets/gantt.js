/* paradime_nb Gantt chart: zoom and pan on the time axis, a tooltip per bar.
 * The chart is a static SVG (readable without this script); this only enhances it.
 * Self-contained: defines window.paradimeGantt once, then each chart calls init(id). */
(function () {
  if (window.paradimeGantt) { return; }
  function init(id) {
    var root = document.getElementById(id);
    if (!root || root.dataset.ready) { return; }
    root.dataset.ready = "1";
    var svg = root.querySelector("svg.paradime-gantt-svg");
    var plot = svg.querySelector("g.paradime-gantt-plot");
    var tip = root.querySelector(".paradime-gantt-tip");
    var left = +svg.dataset.left, width = +svg.dataset.width;
    var scale = 1, shift = 0;
    function apply() {
      plot.setAttribute("transform", "translate(" + (left + shift) + ",0) scale(" + scale + ",1) translate(" + (-left) + ",0)");
      var zoomed = scale > 1.001;
      root.querySelector(".paradime-gantt-zoom").textContent = zoomed ? "zoom " + scale.toFixed(1) + "x (double-click to reset)" : "";
      var ticks = svg.querySelector(".paradime-gantt-ticks");
      if (ticks) { ticks.style.visibility = zoomed ? "hidden" : "visible"; }  /* the axis labels are for the whole run */
    }
    function clamp() {
      var max = 0, min = width - width * scale;
      shift = Math.min(max, Math.max(min, shift));
    }
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      var box = svg.getBoundingClientRect();
      var x = (e.clientX - box.left) * (svg.viewBox.baseVal.width / box.width) - left;
      var factor = e.deltaY < 0 ? 1.25 : 0.8;
      var next = Math.min(400, Math.max(1, scale * factor));
      shift = x - (x - shift) * (next / scale);
      scale = next;
      clamp();
      apply();
    }, { passive: false });
    var drag = null;
    svg.addEventListener("mousedown", function (e) { drag = { x: e.clientX, shift: shift }; });
    window.addEventListener("mouseup", function () { drag = null; });
    svg.addEventListener("mousemove", function (e) {
      if (drag) {
        var box = svg.getBoundingClientRect();
        shift = drag.shift + (e.clientX - drag.x) * (svg.viewBox.baseVal.width / box.width);
        clamp();
        apply();
      }
      var t = e.target.closest ? e.target.closest("[data-tip]") : null;
      if (t) {
        tip.textContent = t.getAttribute("data-tip");
        var rb = root.getBoundingClientRect();
        tip.style.left = (e.clientX - rb.left + 12) + "px";
        tip.style.top = (e.clientY - rb.top + 12) + "px";
        tip.style.display = "block";
      } else {
        tip.style.display = "none";
      }
    });
    svg.addEventListener("mouseleave", function () { tip.style.display = "none"; });
    svg.addEventListener("dblclick", function () { scale = 1; shift = 0; apply(); });
    root.querySelectorAll("[data-zoom-from]").forEach(function (el) {
      el.addEventListener("click", function () {
        var a = +el.dataset.zoomFrom - left, b = +el.dataset.zoomTo - left;
        if (b - a < 1) { return; }
        scale = Math.min(400, width / (b - a));
        shift = -a * scale;
        clamp();
        apply();
      });
    });
    apply();
  }
  window.paradimeGantt = { init: init };
})();
