// Shift view: how words' usage differs between two slices of a store (or two stores).
// /shift?where=…&vs=…            the ranked list of words
// /shift?where=…&vs=…&word=bank  one word: measures, senses side by side with shares and sentences, map by side
import { el, clear, kwic, fmt, errorBox, loading } from "./dom.js";
import { api, cliBar } from "./api.js";
import { optionForm, paramsFor } from "./forms.js";

const SIDE_COLOURS = ["#1f77b4", "#d95f02"];
const MEASURES = ["excess", "apd", "prt", "jsd"];
const SHIFT_SET = ["words", "where", "vs", "measure"]; // the view's form sets these (a word: `word` in the URL)

/** shift's other options in the URL (forms, min_count, permutations, no_wordnet...): the schema's names. */
function shiftOptions(params) {
  const out = paramsFor("shift", params);
  for (const n of [...SHIFT_SET, "store"]) delete out[n];
  return out;
}

function field(name, value, placeholder, label) {
  return el("input", { type: "text", name, class: "q", value: value || "", placeholder, "aria-label": label, autocomplete: "off" });
}

export async function shiftView(root, params, ctx) {
  const where = field("where", params.where, "side A: year < 1900", "side A filter");
  const vs = field("vs", params.vs, "side B: year >= 1900", "side B filter");
  const word = el("input", { type: "search", name: "word", value: params.word || "", placeholder: "a word (empty: rank all)", "aria-label": "word", autocomplete: "off" });
  const measure = el("select", { name: "measure", "aria-label": "measure" }, ...MEASURES.map((m) => el("option", { value: m, text: m })));
  measure.value = params.measure || "excess";
  const form = el("form", { class: "search" }, where, vs, word, el("label", {}, "rank by ", measure), el("button", { type: "submit", text: "compare" }));
  const state = () => ({ where: where.value.trim(), vs: vs.value.trim(), word: word.value.trim() || undefined,
    measure: measure.value === "excess" ? undefined : measure.value, ...shiftOptions(params) });
  form.addEventListener("submit", (e) => { e.preventDefault(); ctx.navigate("shift", state()); });
  root.append(el("h2", { text: params.word ? `Shift of “${params.word}”` : "Usage shift between two slices" }), form,
    optionForm("shift", params, (o) => ctx.navigate("shift", { ...state(), ...o }), { skip: SHIFT_SET }));
  if (!params.where || !params.vs) {
    root.append(el("p", { class: "muted", text: "Give two disjoint slices of the store's document metadata (see ctxvec info), e.g. year < 1900 and year >= 1900; every store has doc_id and sentence_id." }));
    return;
  }
  const base = { where: params.where, vs: params.vs, store: params.store, ...shiftOptions(params) };
  if (params.word) return wordShift(root, { ...base, words: params.word }, params, ctx);
  return ranking(root, { permutations: 200, max_per_side: 100, ...base, measure: params.measure }, params, ctx);
}

async function ranking(root, apiParams, params, ctx) {
  root.append(cliBar([["shift", apiParams]]));
  const wait = root.appendChild(loading("ranking every word…"));
  let result;
  try {
    result = await api("shift", apiParams);
  } catch (e) {
    if (ctx.alive()) wait.replaceWith(errorBox(e.message));
    return;
  }
  if (!ctx.alive()) return;
  wait.remove();
  const words = result.words || [];
  const nSig = words.filter((w) => w.q_value < 0.05).length;
  root.append(el("p", { class: "muted small", text: `${fmt(result.n_tested)} ${result.unit}s with at least ${result.min_count} occurrences on both sides, ranked by ${result.measure}; ${nSig} with q < 0.05 (${result.correction}); p from ${result.settings.permutations} permutations of at most ${result.settings.max_per_side} occurrences a side` }));
  const table = el("table", { class: "shift-ranking" });
  table.append(el("tr", {}, ...["word", "n A", "n B", result.measure, "p", "q", "APD", "PRT"].map((h) => el("th", { text: h }))));
  for (const w of words.slice(0, 200)) {
    const link = el("a", { href: ctx.href("shift", { where: params.where, vs: params.vs, word: w.word }), text: w.word });
    table.append(el("tr", { class: w.q_value < 0.05 ? "significant" : "" },
      el("td", {}, link), el("td", { text: fmt(w.n_a) }), el("td", { text: fmt(w.n_b) }), el("td", { text: fmt(w.value, 4) }),
      el("td", { text: fmt(w.p_value) }), el("td", { text: fmt(w.q_value) }), el("td", { text: fmt(w.apd, 4) }), el("td", { text: fmt(w.prt, 4) })));
  }
  root.append(table);
}

async function wordShift(root, apiParams, params, ctx) {
  root.append(cliBar([["shift", apiParams]]));
  const wait = root.appendChild(loading("comparing…"));
  let result;
  try {
    result = await api("shift", apiParams);
  } catch (e) {
    if (ctx.alive()) wait.replaceWith(errorBox(e.message));
    return;
  }
  if (!ctx.alive()) return;
  wait.remove();
  const s = (result.words || [])[0];
  if (!s) return;
  root.append(el("p", { class: "small" }, el("a", { href: ctx.href("shift", { where: params.where, vs: params.vs }), text: "← all words" })));
  root.append(el("p", { class: "muted small", text: `${s.unit} ${s.word} (${s.words_a.join(", ")}): ${fmt(s.n_a)} occurrences in A, ${fmt(s.n_b)} in B; used ${fmt(s.used_a)} / ${fmt(s.used_b)}` }));
  const m = el("table", { class: "shift-measures" });
  m.append(el("tr", {}, ...["measure", "value", "p", "95% interval"].map((h) => el("th", { text: h }))));
  for (const name of MEASURES) {
    const v = s.measures[name];
    m.append(el("tr", {}, el("td", { text: name }), el("td", { text: fmt(v.value, 4) }), el("td", { text: fmt(v.p_value) }), el("td", { text: `${fmt(v.low, 4)} – ${fmt(v.high, 4)}` })));
  }
  root.append(m, el("p", { class: "muted small", text: `within-side APD ${fmt(s.within_a, 4)} (A) / ${fmt(s.within_b, 4)} (B) · ${s.k} joint sense(s): ${s.reason}` }));
  const cols = el("div", { class: "shift-sides" });
  for (const [i, side] of [["a", s.side_a], ["b", s.side_b]].entries()) {
    const col = el("section", { class: `shift-side side-${side[0]}` }, el("h3", { text: `${i ? "B" : "A"}: ${side[1]}` }));
    for (const sense of s.senses) {
      const share = sense[`share_${side[0]}`];
      const head = el("h4", {}, `sense ${sense.sense + 1} `, el("span", { class: "muted", text: `${(100 * share).toFixed(0)}% (${sense[`count_${side[0]}`]})` }));
      if (sense.status !== "both") head.append(" ", el("span", { class: `badge ${sense.status}`, text: sense.status }));
      const bar = el("div", { class: "share-bar" });
      bar.style.width = `${Math.round(100 * share)}%`;
      bar.style.background = SIDE_COLOURS[i];
      const card = el("div", { class: "sense" }, head, bar);
      if (sense.wordnet) card.append(el("p", { class: "wordnet" }, el("strong", { class: "synset", text: sense.wordnet.synset }), " ", el("span", { class: "gloss", text: sense.wordnet.gloss })));
      const ul = el("ul", { class: "examples" });
      for (const o of sense[`examples_${side[0]}`]) ul.append(el("li", {}, kwic(o.sentence, o.start, o.end)));
      card.append(ul);
      col.append(card);
    }
    cols.append(col);
  }
  root.append(cols, drawPoints(s));
}

function drawPoints(s) {
  const canvas = el("canvas", { class: "map shift-map", width: "700", height: "420", "aria-label": "occurrences coloured by side" });
  const pts = s.points || [];
  const g = canvas.getContext("2d");
  if (!g || !pts.length) return canvas;
  const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = (x) => 20 + (660 * (x - x0)) / (x1 - x0 || 1);
  const py = (y) => 400 - (380 * (y - y0)) / (y1 - y0 || 1);
  for (const p of pts) {
    g.fillStyle = SIDE_COLOURS[p.side === "a" ? 0 : 1];
    g.globalAlpha = 0.6;
    g.beginPath();
    g.arc(px(p.x), py(p.y), 3, 0, 2 * Math.PI);
    g.fill();
  }
  const legend = el("div", { class: "legend" });
  for (const [i, name] of [s.side_a, s.side_b].entries()) {
    const sw = el("span", { class: "swatch" });
    sw.style.background = SIDE_COLOURS[i];
    legend.append(el("span", { class: "legend-item" }, sw, name));
  }
  return el("div", { class: "map-wrap" }, legend, canvas);
}
