// The JSON API (`GET /api/<command>?<option>=<value>`, the CLI's option names; described by /openapi.json)
// and "copy as CLI command".
import { el } from "./dom.js";

const TIMEOUT_MS = 120000;
let storesPromise = null;
let commandsPromise = null;
let commandSpecs = null;

export class ApiError extends Error {}

/** Query string of API parameters; arrays are sent as repeated parameters; empty values are dropped. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    if (Array.isArray(v)) { for (const item of v) if (item !== "") q.append(k, String(item)); }
    else q.append(k, v === true ? "1" : String(v));
  }
  return q.toString();
}

/** GET /api/<command>?...: the result's JSON, or an ApiError holding the server's message. A 503 (the server's
 *  queue is longer than its bound) is retried after its Retry-After, with a note on the page while it waits. */
export async function api(command, params = {}) {
  const ctl = new AbortController();
  const deadline = Date.now() + TIMEOUT_MS;
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  const qs = query(params);
  try {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`/api/${command}${qs ? "?" + qs : ""}`, { signal: ctl.signal, headers: { Accept: "application/json" } });
      let body = null;
      try { body = await response.json(); } catch { body = null; }
      if (response.ok) return body;
      const retry = retrySeconds(response);
      if (response.status === 503 && retry !== null && Date.now() + retry * 1000 < deadline) {
        await waitBusy(command, retry, attempt, ctl.signal);
        continue;
      }
      let message = body && typeof body.error === "string" ? body.error : `${response.status} ${response.statusText}`;
      if (response.status === 503 && retry !== null) message += ` (server busy: retry in ${retry} s)`;
      throw new ApiError(message);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e && e.name === "AbortError") throw new ApiError(`${command}: no answer within ${TIMEOUT_MS / 1000} s`);
    throw new ApiError(`${command}: ${e && e.message ? e.message : e}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Retry-After in seconds (1..60), or null when the answer has none. */
function retrySeconds(response) {
  const value = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
  return Number.isFinite(value) ? Math.min(Math.max(value, 1), 60) : null;
}

// Requests now waiting out a 503, and the one note that says so (a status line, gone when none waits).
const busy = new Map();
let busyNote = null;

function showBusy() {
  if (!busy.size) { if (busyNote) busyNote.remove(); busyNote = null; return; }
  if (!busyNote) busyNote = document.body.appendChild(el("p", { class: "busy-note", role: "status" }));
  const waits = [...busy.values()];
  const latest = waits[waits.length - 1];
  busyNote.textContent = `server busy: ${waits.length} request${waits.length > 1 ? "s" : ""} waiting; ` +
    `${latest.command} retries in ${latest.seconds} s (try ${latest.attempt + 1})`;
}

function waitBusy(command, seconds, attempt, signal) {
  const key = Symbol(command);
  busy.set(key, { command, seconds, attempt });
  showBusy();
  return new Promise((resolve, reject) => {
    const done = () => { clearTimeout(t); signal.removeEventListener("abort", aborted); busy.delete(key); showBusy(); };
    const aborted = () => { done(); reject(new DOMException("aborted", "AbortError")); };
    const t = setTimeout(() => { done(); resolve(); }, seconds * 1000);
    signal.addEventListener("abort", aborted);
  });
}

/** [{name, path}] of the served stores (first = default). */
export function stores() {
  if (!storesPromise) {
    storesPromise = api("stores").then((body) => {
      const list = Array.isArray(body) ? body : body.stores || [];
      return list.map((s) => (typeof s === "string" ? { name: s, path: s } : { name: s.name ?? s.path, path: s.path ?? s.name }));
    }).catch(() => []);
  }
  return storesPromise;
}

/** {command: [{name, flag, positional, boolean, multiple, default, schema, help, group}]}: each served
 *  command's query parameters, read from the server's OpenAPI schema (/openapi.json), in CLI order. */
export function commands() {
  if (!commandsPromise) {
    commandsPromise = fetch("/openapi.json", { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : {})).then(fromOpenApi).catch(() => ({}))
      .then((specs) => { commandSpecs = specs; return specs; });
  }
  return commandsPromise;
}

/** The parameter names of `command` once `commands()` has answered (null before). */
export function paramNames(command) {
  return commandSpecs && commandSpecs[command] ? commandSpecs[command].map((p) => p.name) : null;
}

/** The parameter's own schema: the non-null branch of an optional value. */
function valueSchema(schema) {
  if (!schema) return {};
  if (Array.isArray(schema.anyOf)) return schema.anyOf.find((s) => s.type !== "null") || {};
  return schema;
}

function fromOpenApi(doc) {
  const out = {};
  for (const [path, item] of Object.entries((doc && doc.paths) || {})) {
    const op = item.get;
    if (!path.startsWith("/api/") || !op || !Array.isArray(op.parameters)) continue;
    out[path.slice(5)] = op.parameters.map((p) => {
      const schema = p.schema || {};
      const value = valueSchema(schema);
      return {
        name: p.name,
        flag: schema["x-cli"] ?? null,
        positional: !!schema["x-positional"],
        store: !!schema["x-store"],
        group: schema["x-group"] ?? null,
        boolean: value.type === "boolean",
        multiple: value.type === "array",
        default: schema.default,
        webDefault: "x-cli-default" in schema, // the web's default is not the CLI's: spell it out
        required: !!p.required,
        help: p.description || schema.description || "",
        schema: value.type === "array" ? value.items || {} : value,
      };
    });
  }
  return out;
}

export function shellQuote(s) {
  const t = String(s);
  return /^[A-Za-z0-9_./,:=+@%^-]+$/.test(t) ? t : `'${t.replace(/'/g, "'\\''")}'`;
}

function asList(raw) {
  if (Array.isArray(raw)) return raw.map(String).filter(Boolean);
  return String(raw).split(",").map((x) => x.trim()).filter(Boolean);
}

/** `ctxvec <command> STORE ...` for the API parameters `params` (the names the API takes, from the
 *  OpenAPI schema); the web's defaults that differ from the CLI's (`limit`) are spelled out. */
export function cliCommand(command, params, specs, storePath) {
  const spec = specs[command] || [];
  const positional = [];
  const options = [];
  for (const p of spec) {
    if (p.store && !p.required) continue; // the first store: storePath
    let raw = params[p.name];
    if ((raw === undefined || raw === "") && p.webDefault) raw = p.default;
    if (raw === undefined || raw === null || raw === "" || raw === false) continue;
    if (p.boolean) {
      if (raw === true || ["1", "true", "yes", "on"].includes(String(raw).toLowerCase())) options.push(p.flag);
      continue;
    }
    const values = p.multiple ? asList(raw) : [Array.isArray(raw) ? raw.join(",") : String(raw)];
    if (!values.length) continue;
    if (p.positional) positional.push(...values.map(shellQuote));
    else options.push(p.flag, ...values.map(shellQuote));
  }
  const known = new Set(spec.map((p) => p.name));
  for (const [name, raw] of Object.entries(params)) { // options the web does not take (e.g. plot's output file)
    if (known.has(name) || name === "store" || raw === undefined || raw === null || raw === "" || raw === false) continue;
    options.push(name.length === 1 ? `-${name}` : `--${name.replace(/_/g, "-")}`, ...asList(raw).map(shellQuote));
  }
  return ["ctxvec", command, shellQuote(storePath || "STORE"), ...positional, ...options].join(" ");
}

/** A bar showing the equivalent CLI commands, with a copy button each. */
export function cliBar(calls) {
  const box = el("div", { class: "cli" });
  Promise.all([commands(), stores()]).then(([specs, list]) => {
    for (const [command, params] of calls) {
      const store = list.find((s) => s.name === params.store) || list[0];
      const text = cliCommand(command, params, specs, store ? store.path : null);
      const code = el("code", { text });
      const button = el("button", { class: "copy", type: "button", text: "copy as CLI command", title: "copy this command" });
      button.addEventListener("click", async () => {
        try { await navigator.clipboard.writeText(text); button.textContent = "copied"; }
        catch {
          const range = document.createRange(); range.selectNodeContents(code);
          const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
          button.textContent = "selected: press Ctrl+C";
        }
        setTimeout(() => { button.textContent = "copy as CLI command"; }, 1500);
      });
      box.append(el("div", { class: "cli-line" }, el("span", { class: "prompt", text: "$" }), code, button));
    }
  });
  return box;
}
