// The explorer's shell: one page for every route; the view and its state come from the URL.
import { el, clear, errorBox, loading } from "./dom.js";
import { commands, stores } from "./api.js";
import { searchView, occurrenceView, decomposeView } from "./search.js";
import { wordView, sensesView } from "./word.js";
import { mapView } from "./map.js";
import { spaceView } from "./space.js";
import { shiftView } from "./shift.js";

const VIEWS = {
  similar: searchView,
  occurrence: occurrenceView,
  decompose: decomposeView,
  word: wordView,
  senses: sensesView,
  map: mapView,
  space: spaceView,
  shift: shiftView,
};
const NAV = { occurrence: "similar", senses: "word" };

let generation = 0;

/** Current {view, params} from the location. */
export function current() {
  const name = location.pathname.replace(/^\/+|\/+$/g, "") || "similar";
  const params = {};
  for (const [k, v] of new URLSearchParams(location.search)) params[k] = v;
  return { view: name, params };
}

export function href(view, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    q.set(k, v === true ? "1" : Array.isArray(v) ? v.join(",") : String(v));
  }
  const s = q.toString();
  return `/${view}${s ? "?" + s : ""}`;
}

/** Go to a view (history.pushState) and render it; `replace` rewrites the current entry instead. */
export function navigate(view, params = {}, { replace = false } = {}) {
  const { params: now } = current();
  if (now.store && !("store" in params)) params = { ...params, store: now.store };
  const url = href(view, params);
  if (url !== location.pathname + location.search) {
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
  }
  render();
}

export function render() {
  const { view, params } = current();
  const root = document.getElementById("view");
  const token = ++generation;
  const ctx = { params, navigate, href: (v, p) => href(v, params.store ? { store: params.store, ...p } : p), alive: () => token === generation };
  for (const a of document.querySelectorAll("#nav a")) {
    a.classList.toggle("active", a.dataset.view === (NAV[view] || view));
    a.setAttribute("href", href(a.dataset.view, params.store ? { store: params.store } : {}));
  }
  const sel = document.getElementById("store");
  if (sel && params.store !== undefined) sel.value = params.store;
  clear(root);
  const fn = VIEWS[view];
  if (!fn) {
    root.append(errorBox(`No view "${view}". Views: ${Object.keys(VIEWS).join(", ")}.`));
    return;
  }
  document.title = `ctxvec · ${view}`;
  try {
    const p = fn(root, params, ctx);
    if (p && p.catch) p.catch((e) => { if (ctx.alive()) root.append(errorBox(String(e && e.message ? e.message : e))); });
  } catch (e) {
    root.append(errorBox(String(e && e.message ? e.message : e)));
  }
}

function interceptLinks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest && event.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download")) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/static/")) return;
  event.preventDefault();
  history.pushState(null, "", url.pathname + url.search);
  render();
}

async function setupStores() {
  const sel = document.getElementById("store");
  const list = await stores();
  for (const s of list) sel.append(el("option", { value: s.name, text: s.name, title: s.path }));
  const { params } = current();
  if (params.store) sel.value = params.store;
  sel.closest("label").classList.toggle("hidden", list.length < 2);
  sel.addEventListener("change", () => {
    const { view, params: p } = current();
    navigate(view, { ...p, store: sel.value === (list[0] && list[0].name) ? undefined : sel.value });
  });
}

document.addEventListener("click", interceptLinks);
window.addEventListener("popstate", render);
setupStores();
// the views read the commands' parameters (from /openapi.json) synchronously: render once they are here
document.getElementById("view").append(loading("reading the API's parameters…"));
commands().finally(render);
