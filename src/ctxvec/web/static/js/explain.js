// "why?" on a neighbour: /api/explain for the query occurrence and the hit, shown under the hit's row
// as both sentences with the occurrence marked and the context words that raise the cosine most.
import { el, clear, errorBox, loading, fmt } from "./dom.js";
import { api } from "./api.js";

/** API parameters of the explanation of hit `h` against query `q` (a stored row or a new sentence). */
export function explainParams(q, h, store) {
  const base = q.row >= 0 ? { row: [q.row, h.row] } : { word: q.token, in: q.sentence, row: [h.row] };
  return store ? { ...base, store } : base;
}

/** One side: its sentence with the occurrence in <mark> and the marked words in <strong class="why-word">. */
function markedSentence(side) {
  const s = String(side.sentence ?? "");
  const marked = new Set(side.marked_positions || []);
  const spans = [{ start: side.start, end: side.end, kind: "query" }];
  for (const e of side.effects || []) if (marked.has(e.position)) spans.push({ start: e.start, end: e.end, kind: "word", drop: e.drop });
  spans.sort((a, b) => a.start - b.start);
  const line = el("p", { class: "why-sentence" });
  let at = 0;
  for (const sp of spans) {
    if (sp.start < at || sp.end > s.length) continue;
    line.append(s.slice(at, sp.start));
    if (sp.kind === "query") line.append(el("mark", { text: s.slice(sp.start, sp.end) }));
    else line.append(el("strong", { class: "why-word", text: s.slice(sp.start, sp.end), title: `cosine drops by ${fmt(sp.drop)} without it` }));
    at = sp.end;
  }
  line.append(s.slice(at));
  return line;
}

function effects(side) {
  const list = el("p", { class: "why-effects small" });
  const shown = (side.effects || []).slice(0, 6);
  if (!shown.length) list.append(el("span", { class: "muted", text: "no content word to leave out" }));
  shown.forEach((e, i) => {
    if (i) list.append(" · ");
    list.append(el("span", { class: e.drop > 0 ? "why-up" : "why-down", text: `${e.word} ${e.drop > 0 ? "+" : ""}${fmt(e.drop)}` }));
  });
  return list;
}

export function renderExplanation(result) {
  const box = el("div", { class: "why-box" });
  box.append(el("p", { class: "muted small", text: `cosine ${fmt(result.cosine)} · how much it drops when each word is left out (${result.ablation})` }));
  for (const side of result.sides || []) box.append(markedSentence(side), effects(side));
  return box;
}

/** A "why?" button for hit `h` of query `q`; a click opens (or closes) the explanation in a row below `tr`. */
export function whyButton(q, h, tr, columns, store) {
  const button = el("button", { type: "button", class: "why", text: "why?", title: "which context words make these two occurrences similar" });
  let open = null;
  button.addEventListener("click", async () => {
    if (open) { open.remove(); open = null; button.setAttribute("aria-expanded", "false"); return; }
    const cell = el("td", { colspan: String(columns) }, loading("explaining…"));
    open = el("tr", { class: "why-row" }, cell);
    tr.after(open);
    button.setAttribute("aria-expanded", "true");
    try {
      const result = await api("explain", explainParams(q, h, store));
      clear(cell).append(renderExplanation(result));
    } catch (e) {
      clear(cell).append(errorBox(e.message));
    }
  });
  return button;
}
