// Option forms built from the OpenAPI schema (/openapi.json): one control per query parameter of a
// command, typed, bounded and defaulted as the server declares it (the same declaration as the CLI's).
import { el } from "./dom.js";
import { commands, paramNames } from "./api.js";

const label = (name) => name.replace(/_/g, " ");

function isOn(value) {
  return value === true || ["1", "true", "yes", "on"].includes(String(value).toLowerCase());
}

/** One control for parameter spec `p`; `set(change)` gets {name: value or undefined}. */
function control(p, params, set) {
  const value = params[p.name];
  const s = p.schema || {};
  const title = p.help || p.name;
  if (p.boolean) {
    const box = el("input", { type: "checkbox", name: p.name, checked: isOn(value) });
    box.addEventListener("change", () => set({ [p.name]: box.checked ? "1" : undefined }, p));
    return el("label", { title }, box, " ", label(p.name));
  }
  if (Array.isArray(s.enum)) {
    const select = el("select", { name: p.name });
    select.append(el("option", { value: "", text: p.default == null ? "(default)" : `(default: ${p.default})` }));
    for (const v of s.enum) select.append(el("option", { value: String(v), text: String(v) }));
    select.value = value === undefined ? "" : String(value);
    select.addEventListener("change", () => set({ [p.name]: select.value || undefined }, p));
    return el("label", { title }, label(p.name), " ", select);
  }
  if (s.type === "integer" || s.type === "number") {
    const props = { type: "number", name: p.name, class: "num", value: value ?? (p.default ?? ""), title };
    if (s.minimum !== undefined) props.min = String(s.minimum);
    if (s.exclusiveMinimum !== undefined) props.min = String(s.exclusiveMinimum);
    if (s.maximum !== undefined) props.max = String(s.maximum);
    if (s.type === "number") props.step = "any";
    const input = el("input", props);
    input.addEventListener("change", () => set({ [p.name]: input.value === "" ? undefined : input.value }, p));
    return el("label", { title }, label(p.name), " ", input);
  }
  const input = el("input", { type: "text", name: p.name, value: Array.isArray(value) ? value.join(",") : (value ?? ""), title,
    placeholder: p.multiple ? "comma-separated" : (p.default ?? "") });
  input.addEventListener("change", () => set({ [p.name]: input.value.trim() || undefined }, p));
  return el("label", { title }, label(p.name), " ", input);
}

/** Controls for `command`'s options: the `main` ones inline, every other one the web takes (not
 *  positional, not a store, not in `skip`) under "more options". `onChange(change)` gets
 *  {name: value or undefined}; checking one option of an exclusive group clears the others. */
export function optionForm(command, params, onChange, { main = [], skip = [] } = {}) {
  const box = el("div", { class: "options" });
  commands().then((specs) => {
    const spec = specs[command] || [];
    const set = (change, p) => {
      if (p.group) for (const q of spec) if (q.group === p.group && q.name !== p.name && Object.values(change)[0] !== undefined) change[q.name] = undefined;
      onChange(change);
    };
    const more = el("details", { class: "more-options" }, el("summary", { text: "more options" }));
    const inline = main.map((n) => spec.find((p) => p.name === n)).filter(Boolean);
    for (const p of inline) box.append(control(p, params, set));
    for (const p of spec) {
      if (p.positional || p.store || skip.includes(p.name) || main.includes(p.name)) continue;
      more.append(control(p, params, set));
    }
    if (more.children.length > 1) box.append(more);
  });
  return box;
}

/** The entries of `params` that `command` takes (its schema's names), plus the store. */
export function paramsFor(command, params, extra = []) {
  const names = new Set([...(paramNames(command) || []), "store", ...extra]);
  const out = {};
  for (const [k, v] of Object.entries(params)) if (names.has(k) && v !== undefined && v !== "") out[k] = v;
  return out;
}
