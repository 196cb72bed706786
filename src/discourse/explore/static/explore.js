/* discourse explorer: draws the charts (vega-embed, expression interpreter: no eval), opens the KWIC panel
   of a clicked year (htmx), makes KWIC lines clickable, submits select boxes, and runs the coding shortcuts.
   Everything it loads comes from this server. */
(function () {
  "use strict";

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }

  function yearOf(item) {
    if (!item || !item.datum) return null;
    var d = item.datum;
    if (d.year !== undefined && d.year !== null) return Math.round(+d.year);
    if (d.datum && d.datum.year !== undefined) return Math.round(+d.datum.year);
    return null;
  }

  function openYear(base, year) {
    if (!base || year === null || isNaN(year)) return;
    var url = base + (base.indexOf("?") >= 0 ? "&" : "?") + "year=" + encodeURIComponent(year);
    htmx.ajax("GET", url, { target: "#kwic", swap: "innerHTML" });
    document.querySelectorAll("tr.current").forEach(function (tr) { tr.classList.remove("current"); });
    var row = document.getElementById("year-" + year);
    if (row) row.classList.add("current");
  }

  var lazy = ("IntersectionObserver" in window) ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) { lazy.unobserve(e.target); drawChart(e.target); }
    });
  }, { rootMargin: "200px" }) : null;

  function drawCharts(root) {
    if (typeof vegaEmbed === "undefined") return;
    (root || document).querySelectorAll("div.chart[data-vl]").forEach(function (el) {
      if (el.dataset.drawn) return;
      if (el.dataset.lazy !== undefined && lazy) { lazy.observe(el); return; }  /* below the fold: when seen */
      drawChart(el);
    });
  }

  function drawChart(el) {
    {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var spec = JSON.parse(el.dataset.vl);
      vegaEmbed(el, spec, {
        renderer: "svg", actions: false,
        ast: true, expr: vega.expressionInterpreter, defaultStyle: false,
        tooltip: { theme: "light", disableDefaultStyle: true }
      }).then(function (result) {
        el.classList.add("drawn");
        var base = el.dataset.kwic;
        if (base) {
          result.view.addEventListener("click", function (event, item) { openYear(base, yearOf(item)); });
        }
        el.vegaView = result.view;
      }).catch(function (err) {
        el.classList.add("failed");
        el.textContent = "The chart could not be drawn: " + err;
      });
    }
  }

  function wire(root) {
    drawCharts(root);
    (root || document).querySelectorAll("select.autosubmit").forEach(function (s) {
      if (s.dataset.wired) return;
      s.dataset.wired = "1";
      s.addEventListener("change", function () { s.form.submit(); });
    });
  }

  document.addEventListener("click", function (ev) {
    var tr = ev.target.closest && ev.target.closest("tr.line[data-href]");
    if (tr && !ev.target.closest("a")) { window.location.href = tr.dataset.href; }
    var btn = ev.target.closest && ev.target.closest("button.year");
    if (btn) {
      document.querySelectorAll("tr.current").forEach(function (r) { r.classList.remove("current"); });
      btn.closest("tr").classList.add("current");
    }
  });

  document.addEventListener("htmx:configRequest", function (ev) {
    ev.detail.headers["X-CSRF-Token"] = csrfToken();
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    wire(ev.detail.target);
    var t = ev.detail.target;
    if (t && t.id === "kwic") {  /* a year clicked far below: bring its hits into view */
      var box = t.getBoundingClientRect();
      if (box.top < 0 || box.top > window.innerHeight * 0.6) t.scrollIntoView({ block: "start" });
    }
  });
  document.addEventListener("DOMContentLoaded", function () { wire(document); });

  /* Coding view: keyboard shortcuts (see the help box on the page). */
  document.addEventListener("keydown", function (ev) {
    var form = document.getElementById("code-form");
    if (!form || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type === "text"))) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    var key = ev.key.toLowerCase();
    var map = form.dataset.keys ? JSON.parse(form.dataset.keys) : {};
    if (key === "n" && ev.shiftKey) {
      var noteField = form.querySelector('[name="note"]');
      if (noteField) { ev.preventDefault(); noteField.focus(); }
    } else if (key in map) {
      var input = form.querySelector('input[name="' + map[key][0] + '"][value="' + map[key][1] + '"]');
      if (input) { input.checked = true; ev.preventDefault(); }
    } else if (key === "enter") {
      ev.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    } else if (key === "s") {
      var skip = document.getElementById("skip");
      if (skip) { ev.preventDefault(); window.location.href = skip.href; }
    }
  });
})();
