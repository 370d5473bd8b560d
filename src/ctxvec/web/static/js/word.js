// Word view (senses + type-level neighbours + analogies) and Senses view.
import { el, clear, kwic, bars, fmt, errorBox, loading } from "./dom.js";
import { api, cliBar } from "./api.js";
import { optionForm, paramsFor } from "./forms.js";

const ANALOGY_FORM = ["words", "positive", "negative", "k", "level", "all_occurrences"]; // set by the analogy box, or shapes another answer
const SENSES_FORM = ["word", "row", "in"]; // the word box; rows and sentences come from the search views

/** The analogy options in the URL (keep_family, method...): every one the schema names except those the box sets. */
function analogyOptions(params) {
  const out = paramsFor("analogy", params);
  for (const n of [...ANALOGY_FORM, "store"]) delete out[n];
  return out;
}

/** "king - man + woman" -> {positive: [king, woman], negative: [man]}. */
export function parseAnalogy(text) {
  const positive = [];
  const negative = [];
  let sign = "+";
  for (const part of String(text).split(/\s*([+-])\s*/)) {
    if (part === "+" || part === "-") { sign = part; continue; }
    for (const w of part.trim().split(/\s+/).filter(Boolean)) (sign === "+" ? positive : negative).push(w);
    sign = "+";
  }
  return { positive, negative };
}

function wordForm(value, onSubmit, label = "show") {
  const input = el("input", { type: "search", name: "word", value: value || "", placeholder: "a word (charge)", "aria-label": "word", autocomplete: "off" });
  const form = el("form", { class: "search" }, input, el("button", { type: "submit", text: label }));
  form.addEventListener("submit", (e) => { e.preventDefault(); const w = input.value.trim(); if (w) onSubmit(w); });
  return form;
}

/** A WordNet label: the synset, its probability and what decided it, or "no confident match; nearest: …". */
export function wordnetLine(label) {
  const wn = el("p", { class: label.match ? "wordnet" : "wordnet unsure" }, "WordNet: ");
  if (!label.match) wn.append(el("span", { class: "muted", text: "no confident WordNet match; nearest: " }));
  wn.append(el("strong", { class: "synset", text: label.synset }), ` p ${fmt(label.score)} · `, el("span", { class: "gloss", text: label.gloss }));
  if (label.match && label.decided_by) wn.append(el("span", { class: "muted small", text: ` (decided by ${label.decided_by})` }));
  return wn;
}

/** Which sense a new sentence's usage belongs to (senses with in=), or "none of the corpus's senses". */
export function renderQuerySense(result, ctx) {
  const q = result.query;
  const box = el("div", { class: "query-sense" });
  if (!q) return box;
  const near = (result.senses || [])[q.nearest_sense] || {};
  const keywords = near.keywords && near.keywords.length ? ` (${near.keywords.join(", ")})` : "";
  const link = el("a", { href: ctx.href("senses", { word: result.word }), text: `the senses of “${result.word}”` });
  if (q.represented) {
    box.append(el("p", { class: "occurrence-sense" }, el("strong", { class: "sense-name", text: `sense ${q.sense + 1} of ${result.k}` }), `${keywords} · similarity ${fmt(q.similarity)} · `, link));
  } else {
    box.append(el("p", { class: "occurrence-sense" }, el("strong", { class: "sense-name", text: "none of the corpus's senses" }), ` (nearest: sense ${q.nearest_sense + 1}${keywords}) · `, link));
    if (q.warning) box.append(el("p", { class: "warning", role: "note", text: `⚠ ${q.warning}` }));
  }
  if (q.wordnet) box.append(wordnetLine(q.wordnet));
  return box;
}

export function renderSenses(result, ctx) {
  const box = el("div", { class: "senses" });
  const n = result.n_clustered || result.n_occurrences || 1;
  box.append(el("p", { class: "muted small", text: `${fmt(result.n_occurrences)} occurrences, ${fmt(result.n_clustered)} clustered · k = ${result.k}${result.reason ? " · " + result.reason : ""}` }));
  if (result.wordnet_note && !(result.senses || []).some((s) => s.wordnet)) box.append(el("p", { class: "muted small", text: `no WordNet labels: ${result.wordnet_note}` }));
  const shares = (result.senses || []).map((s) => ({ label: `sense ${s.sense + 1}`, value: s.size / n }));
  if (shares.length > 1) box.append(bars(shares, { format: (v) => `${(100 * v).toFixed(0)}%` }));
  for (const s of result.senses || []) {
    const card = el("div", { class: "sense" });
    const head = el("h4", { id: `sense-${s.sense + 1}` }, `sense ${s.sense + 1} `, el("span", { class: "muted", text: `${fmt(s.size)} occurrences · ${(100 * s.size / n).toFixed(0)}%` }));
    if (s.small) head.append(" ", el("span", { class: "badge small-sense", title: `under ${(100 * (result.small_share || 0.1)).toFixed(0)}% of the occurrences: few examples, less certain`, text: "small sense" }));
    card.append(head);
    if (s.wordnet) card.append(wordnetLine(s.wordnet));
    if (s.keywords && s.keywords.length) card.append(el("p", { class: "keywords" }, "keywords: ", el("strong", { text: s.keywords.join(", ") })));
    const near = el("p", { class: "near" }, "nearest words: ");
    (s.nearest_words || []).forEach((w, i) => {
      if (i) near.append(", ");
      const forms = (w.forms || []).length ? ` (also ${w.forms.join(", ")})` : "";
      near.append(el("a", { href: ctx.href("word", { word: w.word }), text: w.word, title: `score ${fmt(w.score)}${forms}` }));
    });
    card.append(near);
    const ul = el("ul", { class: "examples" });
    (s.sentences || []).forEach((sentence, i) => {
      const c = (s.central || [])[i] || {};
      const line = kwic(sentence, c.start, c.end);
      ul.append(el("li", {}, c.row !== undefined ? el("a", { class: "plain", href: ctx.href("occurrence", { row: c.row }), title: `occurrence row ${c.row}` }, line) : line));
    });
    card.append(ul);
    box.append(card);
  }
  return box;
}

async function fill(box, command, params, renderFn) {
  box.append(loading());
  try {
    const result = await api(command, params);
    clear(box).append(renderFn(result));
  } catch (e) {
    clear(box).append(errorBox(e.message));
  }
}

function answers(result, ctx) {
  const rows = (result.answers || []).map((a) => ({ label: a.word, value: a.score, href: ctx.href("word", { word: a.word }) }));
  return rows.length ? bars(rows) : el("p", { class: "muted", text: "no answers" });
}

export async function wordView(root, params, ctx) {
  const word = params.word;
  root.append(el("h2", { text: word ? `“${word}”` : "A word" }), wordForm(word, (w) => ctx.navigate("word", { word: w, analogy: params.analogy })));
  const analogyText = params.analogy || "";
  const expr = el("input", { type: "text", name: "analogy", value: analogyText, placeholder: "king - man + woman", "aria-label": "analogy" });
  const aform = el("form", { class: "search analogy" }, expr, el("button", { type: "submit", text: "=" }));
  aform.addEventListener("submit", (e) => { e.preventDefault(); ctx.navigate("word", { word, analogy: expr.value.trim(), ...analogyOptions(params) }); });
  const calls = [];
  const sensesParams = { word, store: params.store };
  const neighParams = { positive: [word], k: params.k || "10", store: params.store };
  const parsed = parseAnalogy(analogyText);
  const anaOptions = analogyOptions(params);
  const anaParams = { positive: parsed.positive, negative: parsed.negative, k: "5", ...anaOptions, store: params.store };
  if (word) calls.push(["senses", sensesParams], ["analogy", neighParams]);
  if (analogyText && parsed.positive.length) calls.push(["analogy", anaParams]);
  if (calls.length) root.append(cliBar(calls));
  const grid = el("div", { class: "result-grid" });
  const left = el("section", { class: "panel" }, el("h3", { text: "Senses" }));
  const right = el("div", {});
  const neigh = el("section", { class: "panel" }, el("h3", { text: "Nearest word types" }));
  const ana = el("section", { class: "panel" }, el("h3", { text: "Analogy" }), aform,
    optionForm("analogy", params, (o) => ctx.navigate("word", { word, analogy: params.analogy, ...anaOptions, ...o }),
      { main: ["keep_family", "method"], skip: ANALOGY_FORM }));
  right.append(neigh, ana);
  grid.append(left, right);
  root.append(grid);
  const jobs = [];
  if (word) {
    const sBox = left.appendChild(el("div"));
    const nBox = neigh.appendChild(el("div"));
    jobs.push(fill(sBox, "senses", sensesParams, (r) => renderSenses(r, ctx)));
    jobs.push(fill(nBox, "analogy", neighParams, (r) => answers(r, ctx)));
  } else {
    left.append(el("p", { class: "muted", text: "Type a word to see its senses and nearest words." }));
    neigh.append(el("p", { class: "muted", text: "–" }));
  }
  if (analogyText) {
    const aBox = ana.appendChild(el("div"));
    if (!parsed.positive.length) aBox.append(errorBox("write the analogy as: king - man + woman"));
    else jobs.push(fill(aBox, "analogy", anaParams, (r) => answers(r, ctx)));
  } else ana.append(el("p", { class: "muted small", text: "a − b + c over word types (3CosAdd), e.g. king - man + woman" }));
  await Promise.all(jobs);
}

export async function sensesView(root, params, ctx) {
  const apiParams = paramsFor("senses", params);
  root.append(el("h2", { text: params.word ? `Senses of “${params.word}”` : "Senses" }),
    wordForm(params.word, (w) => ctx.navigate("senses", { ...apiParams, word: w })),
    optionForm("senses", params, (o) => ctx.navigate("senses", { ...apiParams, ...o }), { main: ["k", "no_wordnet"], skip: SENSES_FORM }));
  if (!params.word) return;
  root.append(cliBar([["senses", apiParams]]));
  const box = root.appendChild(el("section", { class: "panel" }));
  await fill(box, "senses", apiParams, (r) => renderSenses(r, ctx));
}
