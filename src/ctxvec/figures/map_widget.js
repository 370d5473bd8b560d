// The occurrence map of ctxvec.figures.MapWidget (anywidget ESM): points coloured by group, hover shows the
// token in its sentence, drag a box to select (shift adds), click a point to toggle it, Escape clears.
// The selection goes back to Python as `selected` (point indices); Python may set it too.
const PAD = 16;

function scales(data, width, height) {
  let [x0, x1] = [Math.min(...data.x), Math.max(...data.x)];
  let [y0, y1] = [Math.min(...data.y), Math.max(...data.y)];
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const sx = (v) => PAD + ((v - x0) / (x1 - x0)) * (width - 2 * PAD);
  const sy = (v) => height - PAD - ((v - y0) / (y1 - y0)) * (height - 2 * PAD);
  return { sx, sy };
}

function render({ model, el }) {
  const data = model.get("data");
  const width = model.get("width");
  const height = model.get("height");
  const n = data.x.length;
  const root = document.createElement("div");
  root.className = "ctxvec-map";
  root.style.cssText = "position:relative;font:13px system-ui,sans-serif;user-select:none";
  const title = document.createElement("div");
  title.style.cssText = "font-weight:600;margin:0 0 4px";
  title.textContent = model.get("title");
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.style.cssText = "border:1px solid #ddd;cursor:crosshair;display:block";
  const tip = document.createElement("div");
  tip.style.cssText = "position:absolute;display:none;pointer-events:none;background:#fff;border:1px solid #999;"
    + "padding:4px 6px;max-width:380px;box-shadow:0 2px 6px rgba(0,0,0,.2)";
  const status = document.createElement("div");
  status.className = "ctxvec-map-status";
  status.style.cssText = "color:#555;margin-top:4px";
  root.append(title, canvas, tip, status);
  el.appendChild(root);

  const ctx = canvas.getContext("2d");
  const { sx, sy } = scales(data, width, height);
  const px = data.x.map(sx);
  const py = data.y.map(sy);
  let box = null; // [x0, y0, x1, y1] while dragging

  function draw() {
    const chosen = new Set(model.get("selected"));
    ctx.clearRect(0, 0, width, height);
    for (let i = 0; i < n; i++) {
      ctx.globalAlpha = chosen.size && !chosen.has(i) ? 0.25 : 0.85;
      ctx.fillStyle = data.colors[data.g[i]];
      ctx.beginPath();
      ctx.arc(px[i], py[i], chosen.has(i) ? 5 : 3.5, 0, 2 * Math.PI);
      ctx.fill();
      if (chosen.has(i)) { ctx.strokeStyle = "#000"; ctx.lineWidth = 1; ctx.stroke(); }
    }
    ctx.globalAlpha = 1;
    if (box) {
      ctx.strokeStyle = "#333";
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
      ctx.setLineDash([]);
    }
    status.textContent = `${chosen.size} of ${n} points selected`
      + (chosen.size ? " (widget.selected_rows in Python)" : "; drag a box to select");
  }

  function position(event) {
    const r = canvas.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  }

  function nearest(x, y) {
    let best = -1, bestD = 64; // within 8 pixels
    for (let i = 0; i < n; i++) {
      const d = (px[i] - x) ** 2 + (py[i] - y) ** 2;
      if (d < bestD) { best = i; bestD = d; }
    }
    return best;
  }

  function select(indices, add) {
    const out = new Set(add ? model.get("selected") : []);
    for (const i of indices) out.add(i);
    model.set("selected", [...out].sort((a, b) => a - b));
    model.save_changes();
  }

  let start = null;
  canvas.addEventListener("mousedown", (e) => { start = position(e); });
  canvas.addEventListener("mousemove", (e) => {
    const [x, y] = position(e);
    if (start) {
      box = [Math.min(start[0], x), Math.min(start[1], y), Math.max(start[0], x), Math.max(start[1], y)];
      draw();
      return;
    }
    const i = nearest(x, y);
    if (i < 0) { tip.style.display = "none"; return; }
    const s = data.sentences[data.s[i]];
    tip.replaceChildren();
    const token = document.createElement("b");
    token.textContent = data.t[i];
    const mark = document.createElement("mark");
    mark.textContent = s.slice(data.a[i], data.b[i]);
    tip.append(token, ` (${data.names[data.g[i]]}, row ${data.rows[i]})`, document.createElement("br"),
      s.slice(0, data.a[i]), mark, s.slice(data.b[i]));
    tip.style.left = `${x + 12}px`;
    tip.style.top = `${y + 24}px`;
    tip.style.display = "block";
  });
  canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });
  const release = (e) => {
    if (!start) return;
    const [x, y] = position(e);
    const moved = Math.abs(x - start[0]) + Math.abs(y - start[1]) > 3;
    if (moved && box) {
      const inside = [];
      for (let i = 0; i < n; i++) {
        if (px[i] >= box[0] && px[i] <= box[2] && py[i] >= box[1] && py[i] <= box[3]) inside.push(i);
      }
      select(inside, e.shiftKey);
    } else {
      const i = nearest(x, y);
      if (i >= 0) {
        const now = new Set(model.get("selected"));
        if (now.has(i)) now.delete(i); else now.add(i);
        model.set("selected", [...now].sort((a, b) => a - b));
        model.save_changes();
      }
    }
    start = null;
    box = null;
    draw();
  };
  window.addEventListener("mouseup", release);
  canvas.tabIndex = 0;
  canvas.addEventListener("keydown", (e) => { if (e.key === "Escape") select([], false); });
  model.on("change:selected", draw);
  draw();
  return () => {
    model.off("change:selected", draw);
    window.removeEventListener("mouseup", release);
  };
}

export default { render };
