// Search (nearest occurrences), Occurrence (one occurrence: neighbours + decomposition) and Decompose views.
import { el, append, clear, kwic, words, bars, fmt, errorBox, loading } from "./dom.js";
import { renderQuerySense } from "./word.js";
import { api, cliBar } from "./api.js";
import { optionForm, paramsFor } from "./forms.js";
import { whyButton } from "./explain.js";

const MAIN_OPTIONS = ["k", "distinct_sentences", "words_only", "exclude_word", "exact"];
const QUERY = ["word", "in", "row", "sentence"]; // set by the search box and the links, not the option form
const MAX_GROUPS = 20;

function pick(params, names) {
  const out = {};
  for (const n of names) if (params[n] !== undefined && params[n] !== "") out[n] = params[n];
  return out;
}

function similarParams(params) {
  return paramsFor("similar", params);
}

function optionControls(params, onChange) {
  return optionForm("similar", params, onChange, { main: MAIN_OPTIONS, skip: QUERY });
}

/** The typed sentence as clickable word tokens; the chosen one is marked. */
function tokenStrip(sentence, chosen, onPick) {
  const strip = el("div", { class: "tokens", role: "group", "aria-label": "words of the sentence" });
  for (const w of words(sentence)) {
    if (!/[\p{L}\p{N}]/u.test(w.text)) { strip.append(el("span", { class: "punct", text: w.text })); continue; }
    const b = el("button", { type: "button", class: "token", text: w.text, title: `neighbours of “${w.text}” in this sentence` });
    if (chosen && w.text.toLowerCase() === chosen.toLowerCase()) b.classList.add("chosen");
    b.addEventListener("click", () => onPick(w.text));
    strip.append(b);
  }
  return strip;
}

function hitTable(hits, ctx, { wordsOnly = false, query = null } = {}) {
  const table = el("table", { class: "hits" });
  const head = el("tr", {}, el("th", { text: "score" }), el("th", { text: "word" }), el("th", { text: "in context" }));
  if (wordsOnly) head.append(el("th", { text: "count", title: "occurrences scoring at least as high as the k-th word's best" }));
  if (query) head.append(el("th", { text: "" }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const h of hits) {
    const row = el("tr", {},
      el("td", { class: "score", text: fmt(h.score) }),
      el("td", { class: "tok" }, el("a", { href: ctx.href("similar", { word: h.word || h.token }), text: h.word || h.token, title: "search this word" })),
      el("td", { class: "ctx" }, el("a", { class: "plain", href: ctx.href("occurrence", { row: h.row }), title: `occurrence row ${h.row}` }, kwic(h.sentence, h.start, h.end))));
    if (wordsOnly) row.append(el("td", { class: "num", text: fmt(h.count) }));
    if (query) row.append(el("td", { class: "why-cell" }, whyButton(query, h, row, head.children.length, ctx.params && ctx.params.store)));
    body.append(row);
  }
  table.append(body);
  return table;
}

function histogram(queries, ctx) {
  const counts = new Map();
  for (const q of queries) for (const h of q.hits || []) {
    const w = String(h.word || h.token).toLowerCase();
    counts.set(w, (counts.get(w) || 0) + 1);
  }
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 20)
    .map(([w, n]) => ({ label: w, value: n, href: ctx.href("similar", { word: w }) }));
  return el("section", { class: "panel histogram" }, el("h3", { text: "Neighbour words" }),
    rows.length ? bars(rows, { format: (v) => String(v) }) : el("p", { class: "muted", text: "no neighbours" }));
}

function queryHead(q, ctx) {
  const head = el("div", { class: "query-head" });
  const line = kwic(q.sentence, q.start ?? (q.span && q.span[0]), q.end ?? (q.span && q.span[1]));
  if (q.row >= 0) head.append(el("a", { class: "plain", href: ctx.href("occurrence", { row: q.row }), title: `occurrence row ${q.row}` }, line));
  else head.append(line, el("span", { class: "badge", text: "new sentence" }));
  if (q.row >= 0) head.append(el("span", { class: "muted small", text: ` row ${q.row} · sentence ${q.sentence_id}` }));
  if (q.warning) head.append(el("p", { class: "warning", role: "note", text: `⚠ ${q.warning}` }));
  return head;
}

/** Renders a similar result: method, histogram, one group of KWIC hits per query occurrence. */
function renderSimilar(result, ctx, { groups = MAX_GROUPS } = {}) {
  const box = el("div", { class: "result-grid" });
  const queries = result.queries || [];
  const list = el("section", { class: "groups" });
  const recall = typeof result.recall_at_10 === "number"
    ? [" · ", el("span", { class: "recall", title: "share of the exact top 10 this index finds, measured on 100 stored rows when it was built", text: `recall@10 ${result.recall_at_10.toFixed(3)}` })]
    : [];
  list.append(el("p", { class: "method" }, "method: ", el("strong", { class: "method-name", text: result.method || "?" }), ...recall,
    ` · ${queries.length} query occurrence${queries.length === 1 ? "" : "s"}`));
  const wordsOnly = !!(result.options && result.options.words_only);
  const show = (n) => {
    for (const q of queries.slice(list.querySelectorAll(".group").length, n)) {
      list.append(el("div", { class: "group" }, queryHead(q, ctx), hitTable(q.hits || [], ctx, { wordsOnly, query: q })));
    }
  };
  show(groups);
  const limit = Number(ctx.params && ctx.params.limit) || 20;
  if (!ctx.params || ctx.params.row === undefined) {
    if (queries.length >= limit && ctx.params && ctx.params.word && !ctx.params.in) {
      list.append(el("p", { class: "muted small" }, `the first ${limit} occurrences of the word (limit) · `,
        el("a", { href: ctx.href("similar", { ...ctx.params, limit: Math.min(200, limit * 5) }), text: "more occurrences" })));
    }
  }
  if (queries.length > groups) {
    const more = el("button", { type: "button", class: "more", text: `show all ${queries.length} occurrences` });
    more.addEventListener("click", () => { show(queries.length); more.remove(); });
    list.append(more);
  }
  box.append(list, histogram(queries, ctx));
  return box;
}

export async function searchView(root, params, ctx) {
  const text = params.in || params.word || "";
  const input = el("input", { type: "search", name: "q", class: "q", value: text, placeholder: "a word, or a sentence and then click one of its words", autocomplete: "off", "aria-label": "word or sentence" });
  const form = el("form", { class: "search", role: "search" }, input, el("button", { type: "submit", text: "search" }));
  const go = (extra) => ctx.navigate("similar", { ...similarParams(params), ...extra });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const t = input.value.trim();
    if (!t) return;
    const ws = words(t).filter((w) => /[\p{L}\p{N}]/u.test(w.text));
    if (ws.length > 1) {
      const keep = params.word && ws.some((w) => w.text.toLowerCase() === params.word.toLowerCase()) ? params.word : undefined;
      go({ in: t, word: keep, row: undefined, sentence: undefined });
    } else go({ word: t, in: undefined, row: undefined, sentence: undefined });
  });
  root.append(el("h2", { text: "Nearest occurrences" }), form, optionControls(params, (o) => go(o)));
  if (params.in) {
    root.append(el("p", { class: "hint", text: params.word ? "Click another word of the sentence:" : "Click a word of the sentence to see its nearest occurrences:" }),
      tokenStrip(params.in, params.word, (w) => go({ word: w })));
  }
  if (!params.word && !params.row) {
    if (!params.in) root.append(el("p", { class: "muted", text: "Type a word (cold) or a sentence (I caught a cold) and press Enter." }));
    return;
  }
  const apiParams = similarParams(params);
  const senseParams = params.in && params.word ? { word: params.word, in: params.in, store: params.store } : null;
  root.append(cliBar(senseParams ? [["similar", apiParams], ["senses", senseParams]] : [["similar", apiParams]]));
  const wait = root.appendChild(loading());
  if (senseParams) {
    const senseBox = el("section", { class: "panel sense-panel" }, el("h3", { text: "Sense of this usage" }), loading("clustering the senses…"));
    root.insertBefore(senseBox, wait);
    api("senses", senseParams).then((r) => { if (ctx.alive()) clear(senseBox).append(el("h3", { text: "Sense of this usage" }), renderQuerySense(r, ctx)); },
      (e) => { if (ctx.alive()) clear(senseBox).append(el("h3", { text: "Sense of this usage" }), errorBox(e.message)); });
  }
  try {
    const result = await api("similar", apiParams);
    if (!ctx.alive()) return;
    wait.replaceWith(renderSimilar(result, ctx));
  } catch (e) {
    if (ctx.alive()) wait.replaceWith(errorBox(e.message));
  }
}

/** One decomposition query: the occurrence, its equation, terms as bars and the fit figures. */
export function renderDecomposition(q, ctx) {
  const box = el("div", { class: "decomposition" });
  box.append(queryHead(q, ctx));
  box.append(el("p", { class: "equation", text: q.equation || "" }));
  const rows = (q.terms || []).map((t) => ({ label: t.word, value: t.coef, href: ctx.href("similar", { word: t.word }), note: t.sentence ? String(t.sentence).slice(0, 80) : null }));
  box.append(rows.length ? bars(rows) : el("p", { class: "muted", text: "no terms" }));
  box.append(el("p", { class: "stats small" },
    `${q.n_terms} terms · cosine ${fmt(q.cosine)} · residual ${fmt(q.residual)} · alpha ${fmt(q.alpha_relative)}·alpha_max${q.converged === false ? " · not converged" : ""}`));
  if (q.note) box.append(el("p", { class: String(q.note).startsWith("warning:") ? "warning" : "note", text: q.note }));
  return box;
}

function termsSlider(value, onChange) {
  const slider = el("input", { type: "range", name: "max_terms", min: "1", max: "20", step: "1", value: String(value), "aria-label": "max terms" });
  const out = el("output", { text: String(value) });
  slider.addEventListener("input", () => { out.textContent = slider.value; });
  slider.addEventListener("change", () => onChange(slider.value));
  return el("label", { class: "slider" }, "max terms ", slider, " ", out);
}

const DECOMPOSE_FORM = ["word", "in", "row", "sentence", "atoms", "max_terms"]; // the form and the slider set these

/** The decompose view's API parameters: every one the schema names; 5 terms unless a sparsity is chosen. */
function decomposeParams(params) {
  const sparsity = params.alpha || params.alpha_abs || params.max_terms;
  return paramsFor("decompose", sparsity ? params : { max_terms: "5", ...params });
}

async function fillDecomposition(box, apiParams, ctx, { limit = MAX_GROUPS } = {}) {
  clear(box).append(loading());
  try {
    const result = await api("decompose", apiParams);
    if (!ctx.alive()) return;
    clear(box);
    box.append(el("p", { class: "muted small", text: `atoms: ${result.atoms} (${fmt(result.n_atoms)}) · solver ${result.solver}` }));
    const qs = result.queries || [];
    for (const q of qs.slice(0, limit)) box.append(renderDecomposition(q, ctx));
    if (qs.length > limit) box.append(el("p", { class: "muted", text: `… and ${qs.length - limit} more occurrences (use the CLI, or a sentence)` }));
  } catch (e) {
    if (ctx.alive()) clear(box).append(errorBox(e.message));
  }
}

export async function occurrenceView(root, params, ctx) {
  if (!params.row) { root.append(errorBox("row is missing: open /occurrence?row=ID (an occurrence's row in the store)")); return; }
  const maxTerms = params.max_terms || "5";
  root.append(el("h2", { text: `Occurrence ${params.row}` }));
  const simParams = { ...similarParams(params), word: undefined, in: undefined };
  const decParams = () => ({ row: params.row, max_terms: params.max_terms || maxTerms, store: params.store });
  const cli = el("div");
  const decBox = el("div", { class: "panel" });
  const refreshCli = () => clear(cli).append(cliBar([["similar", simParams], ["decompose", decParams()]]));
  refreshCli();
  const slider = termsSlider(maxTerms, (v) => {
    params.max_terms = v;
    const url = ctx.href("occurrence", { ...{ ...similarParams(params), ...pick(params, ["row", "max_terms"]) } });
    history.pushState(null, "", url);
    refreshCli();
    fillDecomposition(decBox, decParams(), ctx);
  });
  const simBox = el("div");
  const senseBox = el("section", { class: "panel sense-panel" }, el("h3", { text: "Sense" }), loading("waiting for the occurrence…"));
  root.append(cli, senseBox,
    el("section", { class: "panel" }, el("h3", { text: "Decomposition" }), slider, decBox),
    el("section", {}, el("h3", { text: "Nearest occurrences" }),
      optionControls(params, (o) => ctx.navigate("occurrence", { ...{ ...similarParams(params), ...pick(params, ["row", "max_terms"]) }, ...o })), simBox));
  fillDecomposition(decBox, decParams(), ctx);
  simBox.append(loading());
  try {
    const result = await api("similar", simParams);
    if (!ctx.alive()) return;
    const q = (result.queries || [])[0];
    clear(simBox).append(renderSimilar(result, ctx));
    if (q) simBox.prepend(el("p", { class: "small" }, el("a", { href: ctx.href("word", { word: q.token }), text: `senses and neighbours of “${q.token}”` })));
    if (q) fillSense(senseBox, q.token, params, ctx);
    else senseBox.remove();
  } catch (e) {
    if (ctx.alive()) { clear(simBox).append(errorBox(e.message)); senseBox.remove(); }
  }
}

/** Which sense of its word the occurrence at params.row belongs to (senses with row=). */
async function fillSense(box, word, params, ctx) {
  const senseParams = { word, row: params.row, store: params.store };
  clear(box).append(el("h3", { text: "Sense" }), loading("clustering the senses…"));
  try {
    const result = await api("senses", senseParams);
    if (!ctx.alive()) return;
    const asked = (result.row_senses || []).find((r) => String(r.row) === String(params.row));
    const sense = asked && (result.senses || []).find((s) => s.sense === asked.sense);
    const link = el("a", { href: ctx.href("senses", { word }), text: `the senses of “${word}”` });
    clear(box).append(el("h3", { text: "Sense" }));
    if (asked && asked.sense === -1) { box.append(el("p", { class: "muted", text: "not placed in any sense (a name, another part of speech, or evidence for another synset)" }), link); return; }
    if (!sense) { box.append(el("p", { class: "muted", text: "no sense found for this occurrence" })); return; }
    const share = sense.size / (result.n_clustered || result.n_occurrences || 1);
    const head = result.k > 1
      ? `sense ${sense.sense + 1} of ${result.k} · ${(100 * share).toFixed(0)}% of the occurrences`
      : `one sense (${result.reason || "no split"})`;
    const line = el("p", { class: "occurrence-sense" }, el("strong", { class: "sense-name", text: head }));
    if (sense.keywords && sense.keywords.length) line.append(" · keywords: ", el("span", { class: "keywords", text: sense.keywords.join(", ") }));
    if (asked.clustered === false) line.append(el("span", { class: "muted small", text: " (outside the clustered sample: nearest sense)" }));
    line.append(" · ", link);
    box.append(line, cliBar([["senses", senseParams]]));
  } catch (e) {
    if (ctx.alive()) clear(box).append(el("h3", { text: "Sense" }), errorBox(e.message));
  }
}

export async function decomposeView(root, params, ctx) {
  const word = el("input", { type: "text", name: "word", value: params.word || "", placeholder: "word (bank)", "aria-label": "word" });
  const sentence = el("input", { type: "text", name: "in", class: "q", value: params.in || "", placeholder: "optional: a new sentence holding the word", "aria-label": "sentence" });
  const atoms = el("select", { name: "atoms", "aria-label": "atoms" }, ...["types", "occurrences"].map((a) => el("option", { value: a, text: a })));
  atoms.value = params.atoms || "types";
  const form = el("form", { class: "search" }, word, sentence, atoms, el("button", { type: "submit", text: "decompose" }));
  const apiParams = decomposeParams(params);
  const go = (extra) => ctx.navigate("decompose", { ...decomposeParams(params), ...extra });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    go({ word: word.value.trim(), in: sentence.value.trim(), atoms: atoms.value === "types" ? undefined : atoms.value, row: undefined });
  });
  const options = optionForm("decompose", params, (o) => go(o),
    { main: ["contextual", "keep_family", "keep_lookalikes", "own_sentence"], skip: DECOMPOSE_FORM });
  root.append(el("h2", { text: "Decompose an occurrence into words" }), form,
    termsSlider(apiParams.max_terms || "5", (v) => go({ max_terms: v, alpha: undefined, alpha_abs: undefined })), options);
  if (!params.word && !params.row) {
    root.append(el("p", { class: "muted", text: "Give a word (and optionally a sentence holding it): its vector is written as a sparse sum of word vectors." }));
    return;
  }
  root.append(cliBar([["decompose", apiParams]]));
  const box = el("div", { class: "panel" });
  root.append(box);
  await fillDecomposition(box, apiParams, ctx);
}
