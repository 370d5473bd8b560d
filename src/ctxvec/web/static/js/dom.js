// DOM helpers. Every piece of corpus or user text goes in through textContent / text nodes, never markup.

/** el("div", {class: "x", text: "...", href: "/y", on: {click: fn}}, child, ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, String(value));
  }
  append(node, ...children);
  return node;
}

export function append(node, ...children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** The sentence as text with [start, end) wrapped in <mark>: a key-word-in-context line. */
export function kwic(sentence, start, end, { width = 70 } = {}) {
  const s = String(sentence ?? "");
  let a = Number.isInteger(start) ? start : -1;
  let b = Number.isInteger(end) ? end : -1;
  const line = el("span", { class: "kwic" });
  if (a < 0 || b <= a || b > s.length) {
    line.append(el("span", { class: "kwic-right", text: s }));
    return line;
  }
  let left = s.slice(0, a);
  let right = s.slice(b);
  const lcut = left.length > width;
  const rcut = right.length > width;
  if (lcut) left = "…" + left.slice(left.length - width);
  if (rcut) right = right.slice(0, width) + "…";
  line.append(
    el("span", { class: "kwic-left", text: left, title: lcut ? s : null }),
    el("mark", { text: s.slice(a, b) }),
    el("span", { class: "kwic-right", text: right, title: rcut ? s : null }),
  );
  return line;
}

/** Find `token` in `sentence` (case-insensitive, on word boundaries if possible): [start, end] or [-1, -1]. */
export function findToken(sentence, token) {
  const s = String(sentence ?? "").toLowerCase();
  const t = String(token ?? "").toLowerCase();
  if (!t) return [-1, -1];
  let from = 0;
  while (true) {
    const i = s.indexOf(t, from);
    if (i < 0) break;
    const before = i === 0 ? "" : s[i - 1];
    const after = s[i + t.length] ?? "";
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return [i, i + t.length];
    from = i + 1;
  }
  const i = s.indexOf(t);
  return i < 0 ? [-1, -1] : [i, i + t.length];
}

/** Words of a sentence with their character spans, for clickable tokens. */
export function words(sentence) {
  const out = [];
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;
  let m;
  while ((m = re.exec(sentence)) !== null) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** A horizontal bar list: rows of {label, value, href?, note?}; bar widths relative to the largest |value|. */
export function bars(rows, { format = (v) => v.toFixed(3), className = "" } = {}) {
  const max = Math.max(1e-12, ...rows.map((r) => Math.abs(r.value)));
  const list = el("div", { class: `bars ${className}` });
  for (const r of rows) {
    const fill = el("span", { class: `bar-fill${r.value < 0 ? " neg" : ""}${r.flag ? " flag" : ""}` });
    fill.style.width = `${(100 * Math.abs(r.value)) / max}%`; // CSSOM: allowed under style-src 'self'
    const label = r.href ? el("a", { href: r.href, text: r.label }) : el("span", { text: r.label });
    list.append(
      el("div", { class: "bar-row" },
        el("span", { class: "bar-label" }, label),
        el("span", { class: "bar-track" }, fill),
        el("span", { class: "bar-value", text: format(r.value) }),
        r.note ? el("span", { class: "bar-note", text: r.note }) : null),
    );
  }
  return list;
}

export function fmt(v, digits = 3) {
  if (v === null || v === undefined) return "–";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v.toLocaleString("en");
    return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(digits);
  }
  return String(v);
}

export function errorBox(message) {
  return el("div", { class: "error", role: "alert", text: message });
}

export function loading(text = "computing…") {
  return el("p", { class: "loading", text });
}
