// Map view: a 2-D projection (the plot command's projection) drawn on a canvas; hover, search, drag-select.
import { el, clear, kwic, findToken, fmt, errorBox, loading } from "./dom.js";
import { api, cliBar } from "./api.js";
import { optionForm, paramsFor } from "./forms.js";

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
const OTHER = "#c8c8c8";
const MAX_LISTED = 200;
const MAP_FORM = ["words", "method", "color", "level", "in", "word"]; // the two forms of the view set these

/** The plot options in the URL the view's own forms do not set (max_points, neighbors, where, seed...). */
function mapOptions(params) {
  const out = paramsFor("plot", params);
  for (const n of [...MAP_FORM, "store"]) delete out[n];
  return out;
}

function splitWords(s) {
  return String(s || "").split(/[\s,]+/).map((w) => w.trim()).filter(Boolean);
}

function select(name, options, value, label) {
  const s = el("select", { name, "aria-label": label }, ...options.map((o) => el("option", { value: o, text: o })));
  s.value = value || options[0];
  return el("label", {}, `${label} `, s);
}

export async function mapView(root, params, ctx) {
  const words = splitWords(params.words);
  const input = el("input", { type: "search", name: "words", class: "q", value: words.join(", "), placeholder: "words to project: cold, warm, hot", "aria-label": "words", autocomplete: "off" });
  const method = select("method", ["pca", "umap", "tsne"], params.method, "method");
  const color = select("color", ["word", "sense"], params.color, "colour by");
  const level = select("level", ["occurrences", "types", "sample"], params.level, "level");
  const sentence = el("input", { type: "text", name: "in", class: "q", value: params.in || "", placeholder: "place a sentence: i caught a cold", "aria-label": "place a sentence", autocomplete: "off" });
  const word = el("input", { type: "text", name: "word", value: params.word || "", placeholder: "its word", "aria-label": "word of the sentence", autocomplete: "off" });
  const form = el("form", { class: "search" }, input, method, color, level, el("button", { type: "submit", text: "project" }));
  const place = el("form", { class: "search place" }, sentence, word, el("button", { type: "submit", text: "place in the map" }));
  const value = (lab) => lab.querySelector("select").value;
  const placed = () => {
    const text = sentence.value.trim();
    if (!text) return { in: undefined, word: undefined };
    return { in: text, word: word.value.trim() || splitWords(input.value)[0] };
  };
  const state = () => ({ words: splitWords(input.value).join(","), method: value(method) === "pca" ? undefined : value(method),
    color: value(color) === "word" ? undefined : value(color), level: value(level) === "occurrences" ? undefined : value(level),
    ...mapOptions(params), highlight: params.highlight, ...placed() });
  form.addEventListener("submit", (e) => { e.preventDefault(); ctx.navigate("map", state()); });
  place.addEventListener("submit", (e) => { e.preventDefault(); ctx.navigate("map", state()); });
  for (const s of [method, color, level]) s.querySelector("select").addEventListener("change", () => ctx.navigate("map", state()));
  root.append(el("h2", { text: "Map of occurrences" }), form,
    optionForm("plot", params, (o) => ctx.navigate("map", { ...state(), ...o }), { skip: MAP_FORM }), place);
  if (!words.length && params.level !== "sample") {
    root.append(el("p", { class: "muted", text: "Give one or more words (or choose level “sample” for a sample of the whole store)." }));
    return;
  }
  const apiParams = { ...paramsFor("plot", params), words: words.join(","), word: params.in ? params.word : undefined };
  root.append(cliBar([["plot", { ...apiParams, output: "map.html" }]]));
  const wait = root.appendChild(loading("projecting…"));
  let result;
  try {
    result = await api("plot", apiParams);
  } catch (e) {
    if (ctx.alive()) wait.replaceWith(errorBox(e.message));
    return;
  }
  if (!ctx.alive()) return;
  wait.remove();
  drawMap(root, result, params, ctx);
}

function drawMap(root, result, params, ctx) {
  const points = result.points || [];
  const queries = result.queries || [];
  const groups = [...new Set(points.map((p) => String(p.group)))];
  const colour = new Map();
  let i = 0;
  for (const g of groups) colour.set(g, g === "other" ? OTHER : PALETTE[i++ % PALETTE.length]);
  const find = el("input", { type: "search", name: "highlight", value: params.highlight || "", placeholder: "highlight a word", "aria-label": "highlight a word", autocomplete: "off" });
  const legend = el("div", { class: "legend" });
  for (const g of groups) {
    const sw = el("span", { class: "swatch" });
    sw.style.background = colour.get(g);
    legend.append(el("span", { class: "legend-item" }, sw, g));
  }
  if (queries.length) legend.append(el("span", { class: "legend-item" }, el("span", { class: "swatch star", text: "★" }), "new sentence"));
  const info = el("p", { class: "muted small", text: `${result.method} · ${result.level} · ${fmt(points.length)} points of ${fmt(result.n_total)}${result.sampled ? " (sampled)" : ""} · drag to select a region, click a point to open it` });
  const canvas = el("canvas", { class: "map", width: "900", height: "560", "aria-label": "2-D projection" });
  const tip = el("div", { class: "tip hidden", role: "tooltip" });
  const wrap = el("div", { class: "map-wrap" }, canvas, tip);
  const listing = el("section", { class: "selection" });
  const newList = el("ul", { class: "examples placed" });
  for (const q of queries) newList.append(el("li", {}, el("span", { class: "group-tag", text: "new" }), " ", kwic(q.sentence, q.start, q.end), el("span", { class: "muted small", text: ` at (${fmt(q.x)}, ${fmt(q.y)})` })));
  root.append(el("div", { class: "map-bar" }, find, legend), info, wrap, queries.length ? newList : null, listing);

  const g2d = canvas.getContext("2d");
  let xs = [...points, ...queries].map((p) => p.x), ys = [...points, ...queries].map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  let screen = [], qscreen = [];
  let drag = null;
  const pad = 24;

  function layout() {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 900, h = canvas.clientHeight || 560;
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    g2d.setTransform(dpr, 0, 0, dpr, 0, 0);
    const sx = (w - 2 * pad) / (x1 - x0 || 1), sy = (h - 2 * pad) / (y1 - y0 || 1);
    screen = points.map((p) => [pad + (p.x - x0) * sx, h - pad - (p.y - y0) * sy]);
    qscreen = queries.map((p) => [pad + (p.x - x0) * sx, h - pad - (p.y - y0) * sy]);
  }

  function drawQuery(q, [x, y]) {  // a new sentence's occurrence: a black star, labelled with its word
    g2d.beginPath();
    for (let j = 0; j < 10; j++) {
      const r = j % 2 ? 4 : 10, a = -Math.PI / 2 + (j * Math.PI) / 5;
      g2d.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
    }
    g2d.closePath();
    g2d.fillStyle = "#000"; g2d.strokeStyle = "#fff"; g2d.lineWidth = 1.5;
    g2d.fill(); g2d.stroke();
    g2d.font = "bold 12px sans-serif"; g2d.lineWidth = 3;
    const label = `“${q.token}” (new)`;
    g2d.strokeText(label, x + 12, y - 8); g2d.fillText(label, x + 12, y - 8);
  }

  function matches(p, q) {
    return q && String(p.token).toLowerCase() === q;
  }

  function draw() {
    const w = canvas.clientWidth || 900, h = canvas.clientHeight || 560;
    g2d.clearRect(0, 0, w, h);
    const q = find.value.trim().toLowerCase();
    const any = q && points.some((p) => matches(p, q));
    const order = points.map((_, k) => k).sort((a, b) => (points[a].group === "other") - (points[b].group === "other")).reverse();
    for (const k of order) {
      const p = points[k], [x, y] = screen[k];
      const hit = matches(p, q);
      g2d.globalAlpha = any && !hit ? 0.15 : 0.85;
      g2d.fillStyle = colour.get(String(p.group));
      g2d.beginPath(); g2d.arc(x, y, hit ? 5.5 : p.group === "other" ? 2 : 3.5, 0, 2 * Math.PI); g2d.fill();
      if (hit) { g2d.globalAlpha = 1; g2d.strokeStyle = "#000"; g2d.lineWidth = 1.2; g2d.stroke(); }
    }
    g2d.globalAlpha = 1;
    queries.forEach((q, k) => drawQuery(q, qscreen[k]));
    if (drag && drag.moved) {
      g2d.strokeStyle = "#333"; g2d.setLineDash([4, 3]); g2d.lineWidth = 1;
      g2d.strokeRect(drag.x, drag.y, drag.x2 - drag.x, drag.y2 - drag.y); g2d.setLineDash([]);
    }
  }

  function pos(ev) {
    const r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }

  function nearest(x, y, radius = 8) {
    let best = -1, bd = radius * radius;
    for (let k = 0; k < screen.length; k++) {
      const dx = screen[k][0] - x, dy = screen[k][1] - y, d = dx * dx + dy * dy;
      if (d <= bd) { bd = d; best = k; }
    }
    return best;
  }

  function showTip(k, x, y) {
    if (k < 0) { tip.classList.add("hidden"); return; }
    const p = points[k];
    const [a, b] = findToken(p.sentence, p.token);
    clear(tip).append(el("div", { class: "tip-head" }, el("strong", { text: p.token }), ` · ${p.group} · row ${p.row}`), kwic(p.sentence, a, b, { width: 60 }));
    tip.classList.remove("hidden");
    tip.style.left = `${Math.min(x + 14, (canvas.clientWidth || 900) - 320)}px`;
    tip.style.top = `${y + 14}px`;
  }

  function listSelection(ks) {
    clear(listing);
    if (!ks.length) return;
    listing.append(el("h3", { text: `${ks.length} occurrence${ks.length === 1 ? "" : "s"} selected` }));
    const ul = el("ul", { class: "examples" });
    for (const k of ks.slice(0, MAX_LISTED)) {
      const p = points[k];
      const [a, b] = findToken(p.sentence, p.token);
      ul.append(el("li", {}, el("span", { class: "group-tag", text: p.group }), " ",
        el("a", { class: "plain", href: ctx.href("occurrence", { row: p.row }) }, kwic(p.sentence, a, b))));
    }
    listing.append(ul);
    if (ks.length > MAX_LISTED) listing.append(el("p", { class: "muted", text: `… and ${ks.length - MAX_LISTED} more` }));
  }

  canvas.addEventListener("mousedown", (ev) => { const [x, y] = pos(ev); drag = { x, y, x2: x, y2: y, moved: false }; });
  canvas.addEventListener("mousemove", (ev) => {
    const [x, y] = pos(ev);
    if (drag) {
      drag.x2 = x; drag.y2 = y;
      drag.moved = drag.moved || Math.abs(x - drag.x) + Math.abs(y - drag.y) > 4;
      draw();
      return;
    }
    showTip(nearest(x, y), x, y);
  });
  canvas.addEventListener("mouseleave", () => tip.classList.add("hidden"));
  window.addEventListener("mouseup", (ev) => {
    if (!drag || !canvas.isConnected) { drag = null; return; }
    const d = drag; drag = null;
    if (d.moved) {
      const [ax, bx] = [Math.min(d.x, d.x2), Math.max(d.x, d.x2)], [ay, by] = [Math.min(d.y, d.y2), Math.max(d.y, d.y2)];
      listSelection(screen.map((s, k) => [s, k]).filter(([s]) => s[0] >= ax && s[0] <= bx && s[1] >= ay && s[1] <= by).map(([, k]) => k));
    } else if (ev.target === canvas) {
      const [x, y] = pos(ev);
      const k = nearest(x, y);
      if (k >= 0) ctx.navigate("occurrence", { row: points[k].row });
    }
    draw();
  });
  find.addEventListener("input", draw);
  find.addEventListener("change", () => {
    const url = new URL(location.href);
    if (find.value.trim()) url.searchParams.set("highlight", find.value.trim()); else url.searchParams.delete("highlight");
    history.pushState(null, "", url.pathname + url.search);
  });
  const resize = () => { if (canvas.isConnected) { layout(); draw(); } else window.removeEventListener("resize", resize); };
  window.addEventListener("resize", resize);
  layout();
  draw();
  // expose for tests: screen positions of the points (read-only copy)
  canvas.dataset.points = String(points.length);
  canvas.dataset.queries = String(queries.length);
  if (queries.length) canvas.dataset.placed = JSON.stringify(qscreen.map(([x, y]) => [Math.round(x), Math.round(y)]));
}
