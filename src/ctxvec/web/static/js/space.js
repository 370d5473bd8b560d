// Space view: isotropy figures, per-dimension statistics (rogue dimensions), two stores compared.
import { el, clear, bars, fmt, errorBox, loading } from "./dom.js";
import { api, cliBar, stores } from "./api.js";
import { optionForm, paramsFor } from "./forms.js";

const ISOTROPY_SET = ["raw"]; // the view asks for the raw figures itself, beside an in-place transform
const DIMS_SET = ["words", "level", "per_word", "top_dims", "order"]; // the heat map's: the view draws none ("words" is the compare box's)

/** The `command`'s parameters in the URL, less those the view sets itself (`set`). */
function viewParams(command, params, set) {
  const out = paramsFor(command, params);
  for (const n of set) delete out[n];
  return out;
}

const FIGURES = [
  ["isoscore", "IsoScore", "1 = isotropic (Rudman et al.)"],
  ["mean_cosine", "mean cosine", "of random pairs; 0 = no common direction"],
  ["partition_ratio", "I(W)", "partition function ratio (Mu & Viswanath); 1 = isotropic"],
  ["top_pc_variance", "top PC variance", "share of variance on the first principal component"],
  ["top_k_pc_variance", "top-k PC variance", "share on the first top_k components"],
  ["effective_rank", "effective rank", "exp(entropy of the normalised spectrum)"],
  ["mean_norm", "mean norm", ""],
  ["self_similarity", "self-similarity", "mean cosine between a word's occurrences (Ethayarajh)"],
  ["self_similarity_adjusted", "self-similarity, adjusted", "minus the mean random cosine"],
  ["intra_sentence_similarity", "intra-sentence similarity", ""],
  ["intra_sentence_similarity_adjusted", "intra-sentence, adjusted", ""],
  ["mev", "MEV", "variance explained by a word's first PC"],
  ["mev_adjusted", "MEV, adjusted", "minus the baseline"],
];

function figureTable(columns) {
  const table = el("table", { class: "figures" });
  table.append(el("thead", {}, el("tr", {}, el("th", { text: "figure" }), ...columns.map((c) => el("th", { class: "num", text: c.label })), el("th", { text: "" }))));
  const body = el("tbody");
  for (const [key, label, note] of FIGURES) {
    if (!columns.some((c) => c.data && c.data[key] !== undefined)) continue;
    body.append(el("tr", {}, el("td", { text: label }), ...columns.map((c) => el("td", { class: "num", text: fmt(c.data ? c.data[key] : null) })), el("td", { class: "muted small", text: note })));
  }
  table.append(body);
  return table;
}

function pcBars(iso) {
  const rows = (iso.pc_variance || []).map((v, i) => ({ label: `PC ${i + 1}`, value: v }));
  return bars(rows, { format: (v) => `${(100 * v).toFixed(2)}%` });
}

/** All dimensions as a bar chart on a canvas (share of the mean cosine), rogue ones in red. */
function dimChart(dims) {
  const canvas = el("canvas", { class: "dims", width: "900", height: "180", "aria-label": "per-dimension share of the mean cosine" });
  const all = [...(dims.top || [])].sort((a, b) => a.dim - b.dim);
  requestAnimationFrame(() => {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 900, h = canvas.clientHeight || 180;
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const n = dims.dim || all.length || 1;
    const max = Math.max(1e-12, ...all.map((d) => Math.abs(d.share)));
    const bw = (w - 20) / n;
    const mid = h - 16;
    g.fillStyle = "#888"; g.font = "11px sans-serif";
    g.fillText(`max share ${(100 * max).toFixed(1)}% · ${n} dimensions`, 10, 12);
    for (const d of all) {
      const bh = ((mid - 20) * Math.abs(d.share)) / max;
      g.fillStyle = d.rogue ? "#d62728" : d.share < 0 ? "#9ab" : "#1f77b4";
      g.fillRect(10 + d.dim * bw, mid - bh, Math.max(1, bw - 0.5), bh);
    }
    g.fillStyle = "#888"; g.fillText("0", 10, h - 3); g.fillText(String(n - 1), w - 30, h - 3);
  });
  return canvas;
}

function dimsTable(dims, limit = 15) {
  const table = el("table", { class: "figures" });
  table.append(el("thead", {}, el("tr", {}, ...["dim", "mean", "std", "share of mean cosine", "score", ""].map((t) => el("th", { text: t })))));
  const body = el("tbody");
  for (const d of (dims.top || []).slice(0, limit)) {
    body.append(el("tr", { class: d.rogue ? "rogue" : "" }, el("td", { class: "num", text: d.dim }), el("td", { class: "num", text: fmt(d.mean) }),
      el("td", { class: "num", text: fmt(d.std) }), el("td", { class: "num", text: `${(100 * d.share).toFixed(2)}%` }),
      el("td", { class: "num", text: fmt(d.score) }), el("td", { text: d.rogue ? "rogue" : "" })));
  }
  table.append(body);
  return table;
}

export async function spaceView(root, params, ctx) {
  const isoParams = viewParams("isotropy", params, ISOTROPY_SET);
  const dimsParams = { top: "200", ...viewParams("dims", params, DIMS_SET) };
  const go = (o) => ctx.navigate("space", { ...params, ...o });
  root.append(el("h2", { text: "The space" }), cliBar([["isotropy", isoParams], ["dims", dimsParams]]));
  const grid = el("div", { class: "result-grid" });
  const isoBox = el("section", { class: "panel isotropy" }, el("h3", { text: "Isotropy" }), optionForm("isotropy", params, go, { skip: ISOTROPY_SET }));
  const dimBox = el("section", { class: "panel dims" }, el("h3", { text: "Dimensions" }), optionForm("dims", dimsParams, go, { skip: DIMS_SET }));
  grid.append(isoBox, dimBox);
  const cmpBox = el("section", { class: "panel compare" }, el("h3", { text: "Compare two stores" }));
  root.append(grid, cmpBox);
  const isoInner = isoBox.appendChild(el("div", {}, loading()));
  const dimInner = dimBox.appendChild(el("div", {}, loading()));
  const iso = api("isotropy", isoParams).then(async (r) => {
    // a store with an in-place transform: its raw vectors beside the transformed ones
    const raw = r.transform_id ? await api("isotropy", { ...isoParams, raw: "1" }) : null;
    const columns = raw ? [{ label: "raw", data: raw }, { label: `transformed (${r.transform_id})`, data: r }] : [{ label: "value", data: r }];
    const parts = [el("p", { class: "muted small", text: `${fmt(r.n_rows)} rows · dim ${r.dim} · seed ${r.seed}${r.transform_id ? " · in-place transform " + r.transform_id + ": raw vectors beside the transformed ones" : ""}` }),
      figureTable(columns)];
    if (raw) {
      parts.push(el("div", { class: "side-by-side" },
        el("div", {}, el("h4", { text: "Top principal components, raw" }), pcBars(raw)),
        el("div", {}, el("h4", { text: "Top principal components, transformed" }), pcBars(r))));
    } else {
      parts.push(el("h4", { text: "Variance of the top principal components" }), pcBars(r));
    }
    clear(isoInner).append(...parts);
  }).catch((e) => clear(isoInner).append(errorBox(e.message)));
  const dim = api("dims", dimsParams).then((r) => {
    const rogue = r.rogue && r.rogue.length ? r.rogue.map((d) => (typeof d === "object" ? d.dim : d)).join(", ") : "none";
    clear(dimInner).append(el("p", {}, `rogue dimensions: `, el("strong", { text: rogue }), ` · their share of the mean cosine ${(100 * (r.rogue_share || 0)).toFixed(1)}% · mean cosine ${fmt(r.mean_cosine)}`),
      dimChart(r), dimsTable(r));
  }).catch((e) => clear(dimInner).append(errorBox(e.message)));
  await compareSection(cmpBox, params, ctx);
  await Promise.all([iso, dim]);
}

async function compareSection(box, params, ctx) {
  const list = await stores();
  if (list.length < 2) { box.append(el("p", { class: "muted", text: "Serve two stores (ctxvec serve A.store B.store) to compare them here." })); return; }
  const a = params.store || list[0].name;
  const other = params.compare || (list.find((s) => s.name !== a) || list[0]).name;
  const pickB = el("select", { name: "compare", "aria-label": "second store" }, ...list.map((s) => el("option", { value: s.name, text: s.name })));
  pickB.value = other;
  const words = el("input", { type: "text", name: "words", value: params.words || "", placeholder: "words (optional): cold,bank" });
  const form = el("form", { class: "search" }, `${a} vs `, pickB, words, el("button", { type: "submit", text: "compare" }));
  form.addEventListener("submit", (e) => { e.preventDefault(); ctx.navigate("space", { ...params, compare: pickB.value, words: words.value.trim() || undefined }); });
  box.append(form);
  if (!params.compare) return;
  const b = list.find((s) => s.name === params.compare);
  const cmpParams = { store: params.store, store2: b ? b.path : params.compare, words: params.words, no_eval: "1" };
  box.append(cliBar([["compare", cmpParams]]));
  const inner = box.appendChild(el("div", {}, loading()));
  try {
    const r = await api("compare", { ...cmpParams, store2: params.compare });
    clear(inner).append(figureTable([{ label: a, data: r.isotropy_a }, { label: params.compare, data: r.isotropy_b }]));
    const ul = el("ul", { class: "examples" });
    for (const n of r.neighbours || []) {
      ul.append(el("li", {}, el("strong", { text: n.word }), ` · overlap ${n.overlap}/${(n.hits_a || []).length} · `,
        el("span", { class: "muted", text: `${a}: ${(n.hits_a || []).map((h) => h.token).join(", ")} | ${params.compare}: ${(n.hits_b || []).map((h) => h.token).join(", ")}` })));
    }
    inner.append(el("h4", { text: "Nearest occurrences of the same words" }), ul);
    for (const note of r.notes || []) inner.append(el("p", { class: "note", text: note }));
  } catch (e) {
    clear(inner).append(errorBox(e.message));
  }
}
