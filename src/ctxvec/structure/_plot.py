"""Figures: projections, sense maps, dimension statistics and heat maps.

Every `plot_*` function returns a matplotlib `Figure` (restyle it in a notebook, or pass it to
`save_figure`, which writes PNG/SVG/PDF from the file suffix at an exact pixel size).
`projection_html` renders a `Projection` as one self-contained HTML page (inline canvas and
JavaScript, no network access: hover a point to see its token and sentence, click a legend
entry to hide a group, wheel to zoom, drag to pan, double-click to reset).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import CtxvecError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..space import DimStats, Heatmap
    from ._project import Projection

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
OTHER_COLOR = "#c8c8c8"
PALETTE = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
]  # fmt: skip


def group_colors(names: list[str]) -> dict[str, str]:
    """A colour for each group name ("other" grey), stable in the order given."""
    colors, i = {}, 0
    for name in names:
        if name == "other":
            colors[name] = OTHER_COLOR
        else:
            colors[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return colors


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (9, 6.5)) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    if ax is not None:
        fig = ax.get_figure()
        assert fig is not None
        return fig, ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def plot_projection(
    proj: Projection, ax: Axes | None = None, title: str | None = None, annotate: bool | None = None
) -> Figure:
    """Scatter of a `Projection`, one colour per group, each group labelled at its median point.

    annotate: write every point's token next to it (default: for word types when at most 150 points).
    """
    import matplotlib.patheffects as pe

    fig, ax = _new_axes(ax)
    names = proj.group_names
    colors = group_colors(names)
    n = len(proj)
    size = float(np.clip(20000 / max(n, 1), 8, 50))
    outline = [pe.withStroke(linewidth=3, foreground="white")]
    for name in sorted(names, key=lambda g: g != "other"):  # "other" first, underneath
        m = proj.groups == name
        alpha = 0.45 if name == "other" else 0.75
        label = f"{name} ({int(m.sum())})"
        ax.scatter(proj.coords[m, 0], proj.coords[m, 1], s=size, c=colors[name], alpha=alpha, linewidths=0, label=label)
    if annotate is None:
        annotate = proj.level == "types" and n <= 150
    if annotate:
        for (x, y), tok in zip(proj.coords, proj.tokens, strict=True):
            ax.annotate(str(tok), (x, y), fontsize=7, xytext=(3, 2), textcoords="offset points", path_effects=outline)
    elif len(names) <= 24:
        for name in names:
            if name == "other":
                continue
            pts = proj.coords[proj.groups == name]
            cx, cy = np.median(pts, axis=0)
            ax.text(cx, cy, name, fontsize=10, weight="bold", color=colors[name], ha="center", va="center",
                    path_effects=outline)  # fmt: skip
    ax.set_title(title or proj.title())
    ax.margins(0.06)
    ax.set_xticks([])
    ax.set_yticks([])
    if len(names) <= 24:
        ax.legend(loc="best", fontsize=8, markerscale=1.5, frameon=True, framealpha=0.8)
    return fig


def plot_dims(stats: DimStats, title: str | None = None) -> Figure:
    """Two panels over the dimensions: contribution to the mean cosine, and mean ± std; rogue dims in red."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    d = np.arange(len(stats.mean))
    rogue = np.zeros(len(d), dtype=bool)
    rogue[stats.rogue] = True
    colors = np.where(rogue, "#d62728", "#1f77b4")
    top.bar(d, stats.contribution, width=1.0, color=colors)
    top.set_ylabel("contribution to\nmean cosine")
    top.set_title(title or f"Dimensions of {stats.n_rows:,} vectors: mean cosine {stats.mean_cosine:.3f}, "
                  f"{len(stats.rogue)} rogue dimension(s)")  # fmt: skip
    std = np.sqrt(stats.var)
    bottom.errorbar(
        d[~rogue], stats.mean[~rogue], yerr=std[~rogue], fmt="o", ms=2, lw=0.5, color="#1f77b4", label="mean ± std"
    )
    if rogue.any():
        bottom.errorbar(
            d[rogue], stats.mean[rogue], yerr=std[rogue], fmt="o", ms=4, lw=1, color="#d62728", label="rogue"
        )
        for i in stats.rogue[:8]:
            top.annotate(str(i), (i, stats.contribution[i]), fontsize=8, color="#d62728", ha="center", va="bottom")
    bottom.axhline(0, color="black", lw=0.5)
    bottom.set_xlabel("dimension")
    bottom.set_ylabel("value")
    bottom.legend(fontsize=8, loc="best")
    bottom.set_xlim(-1, len(d))
    return fig


def plot_heatmap(
    heat: Heatmap, ax: Axes | None = None, title: str | None = None, clip_percentile: float = 99.0
) -> Figure:
    """Heat map of word vectors (rows) by dimension (columns), diverging colours centred on 0.

    The colour range is clipped at the `clip_percentile` of |values|, so rogue dimensions saturate
    instead of washing out every other dimension; rogue columns are marked with a red triangle.
    """
    fig, ax = _new_axes(ax, figsize=(12, 0.8 + 0.32 * len(heat.labels)))
    vmax = float(np.percentile(np.abs(heat.values), clip_percentile)) or 1.0
    im = ax.imshow(heat.values, aspect="auto", cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.set_yticks(np.arange(len(heat.labels)), heat.labels, fontsize=8)
    cols = {int(d): i for i, d in enumerate(heat.dims)}
    if len(heat.dims) <= 96:
        ax.set_xticks(np.arange(len(heat.dims)), [str(int(d)) for d in heat.dims], fontsize=7, rotation=90)
        for label, d in zip(ax.get_xticklabels(), heat.dims, strict=True):
            if int(d) in set(heat.rogue.tolist()):
                label.set_color("#d62728")
                label.set_fontweight("bold")
    else:
        ticks = [t for t in ax.get_xticks() if 0 <= t < len(heat.dims)]
        ax.set_xticks(ticks, [str(int(heat.dims[int(t)])) for t in ticks])
    marks = [cols[int(r)] for r in heat.rogue if int(r) in cols]
    if marks:
        ax.plot(
            marks, [1.0] * len(marks), "v", color="#d62728", ms=7, clip_on=False, transform=ax.get_xaxis_transform()
        )
    rogue_text = f" (rogue: {', '.join(str(int(r)) for r in heat.rogue[:8])})" if len(heat.rogue) else ""
    ax.set_xlabel("dimension" + rogue_text)
    shown = "" if len(heat.dims) == heat.values.shape[1] and heat.dims[-1] == len(heat.dims) - 1 else " (selected)"
    ax.set_title(title or f"{heat.kind} vectors, {len(heat.dims)} dimensions{shown}")
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
    return fig


def save_figure(fig: Figure, path: str | Path, width: int = 1200, height: int = 800, dpi: int = 100) -> Path:
    """Write `fig` to `path` (format from the suffix: .png, .svg, .pdf) at exactly `width` x `height` pixels."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FIGURE_SUFFIXES:
        raise CtxvecError(f"cannot write a figure to {p}; use a .png, .svg or .pdf file name")
    if width < 50 or height < 50:
        raise CtxvecError(f"figure size {width}x{height} is too small; use at least 50x50 pixels")
    fig.set_size_inches(width / dpi, height / dpi)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, dpi=dpi, format=suffix[1:])
    return p


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
body{font:14px system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 4px}
#note{color:#666;margin:0 0 8px}
#main{display:flex;gap:16px;align-items:flex-start}
#wrap{position:relative;border:1px solid #ddd}
canvas{display:block;cursor:crosshair}
#tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #999;padding:6px 8px;max-width:420px;
box-shadow:0 2px 6px rgba(0,0,0,.2);display:none;font-size:13px;line-height:1.35}
#tip b{font-size:14px} #tip mark{background:#ffe066}
#legend div{cursor:pointer;margin:2px 0;user-select:none} #legend div.off{opacity:.35}
#legend span{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:6px;vertical-align:-1px}
#help{color:#888;font-size:12px;margin-top:6px}
</style></head><body>
<h1>__TITLE__</h1><p id="note">__NOTE__</p>
<div id="main"><div id="wrap"><canvas id="plot"></canvas><div id="tip"></div></div>
<div><div id="legend"></div><div id="help">hover: token and sentence<br>click legend: hide/show<br>
wheel: zoom, drag: pan<br>double-click: reset</div></div></div>
<script id="data" type="application/json">__DATA__</script>
<script>
(function(){
const D=JSON.parse(document.getElementById('data').textContent);
const W=D.width,H=D.height,N=D.x.length,pad=20;
const cv=document.getElementById('plot'),tip=document.getElementById('tip'),ctx=cv.getContext('2d');
const dpr=window.devicePixelRatio||1;cv.width=W*dpr;cv.height=H*dpr;cv.style.width=W+'px';cv.style.height=H+'px';
ctx.scale(dpr,dpr);
let x0=Math.min(...D.x),x1=Math.max(...D.x),y0=Math.min(...D.y),y1=Math.max(...D.y);
if(x1===x0){x0-=1;x1+=1}if(y1===y0){y0-=1;y1+=1}
const home={s:Math.min((W-2*pad)/(x1-x0),(H-2*pad)/(y1-y0)),cx:(x0+x1)/2,cy:(y0+y1)/2};
let view=Object.assign({},home);const hidden=new Set();let hover=-1;
const sx=i=>W/2+(D.x[i]-view.cx)*view.s, sy=i=>H/2-(D.y[i]-view.cy)*view.s;
const r=N>2000?2.5:N>500?3.5:5;
const order=[...Array(N).keys()].sort((a,b)=>(D.names[D.g[b]]==='other')-(D.names[D.g[a]]==='other'));
function draw(){ctx.clearRect(0,0,W,H);
 let drawn=0;
 for(const i of order){if(hidden.has(D.g[i]))continue;drawn++;ctx.globalAlpha=D.names[D.g[i]]==='other'?0.5:0.8;
  ctx.fillStyle=D.colors[D.g[i]];ctx.beginPath();ctx.arc(sx(i),sy(i),r,0,6.2832);ctx.fill();}
 ctx.globalAlpha=1;ctx.font='bold 13px system-ui,sans-serif';ctx.textAlign='center';
 ctx.lineWidth=3;ctx.strokeStyle='#fff';
 D.names.forEach((name,g)=>{if(name==='other'||hidden.has(g)||D.names.length>24)return;
  const xs=[],ys=[];for(let i=0;i<N;i++)if(D.g[i]===g){xs.push(sx(i));ys.push(sy(i));}
  if(!xs.length)return;xs.sort((a,b)=>a-b);ys.sort((a,b)=>a-b);const m=xs.length>>1;
  ctx.fillStyle=D.colors[g];ctx.strokeText(name,xs[m],ys[m]);ctx.fillText(name,xs[m],ys[m]);});
 cv.dataset.drawn=String(drawn);
 if(hover>=0){ctx.strokeStyle='#000';ctx.lineWidth=1.5;ctx.beginPath();ctx.arc(sx(hover),sy(hover),r+3,0,6.2832);ctx.stroke();}}
function nearest(mx,my){let best=-1,bd=100;for(let i=0;i<N;i++){if(hidden.has(D.g[i]))continue;
 const dx=sx(i)-mx,dy=sy(i)-my,d=dx*dx+dy*dy;if(d<bd){bd=d;best=i;}}return best;}
function showTip(i,mx,my){tip.textContent='';
 const b=document.createElement('b');b.textContent=D.t[i];tip.appendChild(b);
 const grp=document.createElement('span');grp.style.color=D.colors[D.g[i]];
 grp.textContent='  '+D.names[D.g[i]];tip.appendChild(grp);
 const s=D.sentences[D.s[i]];if(s){const p=document.createElement('div');const a=D.a[i],e=D.b[i];
  if(e>a){p.appendChild(document.createTextNode(s.slice(0,a)));const mk=document.createElement('mark');
   mk.textContent=s.slice(a,e);p.appendChild(mk);p.appendChild(document.createTextNode(s.slice(e)));}
  else p.textContent=s;tip.appendChild(p);}
 if(D.rows[i]>=0){const q=document.createElement('div');q.style.color='#888';
  q.textContent='row '+D.rows[i];tip.appendChild(q);}
 tip.style.display='block';tip.style.left=Math.min(mx+12,W-200)+'px';tip.style.top=(my+12)+'px';}
let drag=null;
cv.addEventListener('mousemove',ev=>{const mx=ev.offsetX,my=ev.offsetY;
 if(drag){view.cx=drag.cx-(mx-drag.x)/view.s;view.cy=drag.cy+(my-drag.y)/view.s;draw();return;}
 const i=nearest(mx,my);if(i!==hover){hover=i;draw();}if(i>=0)showTip(i,mx,my);else tip.style.display='none';});
cv.addEventListener('mouseleave',()=>{hover=-1;tip.style.display='none';draw();});
cv.addEventListener('mousedown',ev=>{drag={x:ev.offsetX,y:ev.offsetY,cx:view.cx,cy:view.cy};});
window.addEventListener('mouseup',()=>{drag=null;});
cv.addEventListener('wheel',ev=>{ev.preventDefault();const f=ev.deltaY<0?1.2:1/1.2;
 const wx=view.cx+(ev.offsetX-W/2)/view.s,wy=view.cy-(ev.offsetY-H/2)/view.s;view.s*=f;
 view.cx=wx-(ev.offsetX-W/2)/view.s;view.cy=wy+(ev.offsetY-H/2)/view.s;draw();},{passive:false});
cv.addEventListener('dblclick',()=>{view=Object.assign({},home);draw();});
const lg=document.getElementById('legend');
D.names.forEach((name,g)=>{const el=document.createElement('div');const sw=document.createElement('span');
 sw.style.background=D.colors[g];el.appendChild(sw);el.appendChild(document.createTextNode(name+' ('+D.counts[g]+')'));
 el.addEventListener('click',()=>{if(hidden.has(g))hidden.delete(g);else hidden.add(g);
  el.classList.toggle('off');draw();});
 lg.appendChild(el);});
draw();
})();
</script></body></html>
"""


def projection_data(proj: Projection, width: int = 900, height: int = 650) -> dict[str, Any]:
    """The JSON payload of the HTML page: coordinates, group index, token, sentence index and span per point."""
    names = proj.group_names
    colors = group_colors(names)
    index = {n: i for i, n in enumerate(names)}
    g = [index[str(x)] for x in proj.groups]
    sentences: dict[str, int] = {}
    s = [sentences.setdefault(t, len(sentences)) for t in proj.sentences]
    return {
        "width": int(width),
        "height": int(height),
        "x": [round(float(v), 5) for v in proj.coords[:, 0]],
        "y": [round(float(v), 5) for v in proj.coords[:, 1]],
        "g": g,
        "t": [str(t) for t in proj.tokens],
        "s": s,
        "a": [int(v) for v in proj.spans[:, 0]],
        "b": [int(v) for v in proj.spans[:, 1]],
        "rows": [int(r) for r in proj.rows],
        "names": names,
        "colors": [colors[n] for n in names],
        "counts": [int(np.sum(np.asarray(g) == i)) for i in range(len(names))],
        "sentences": list(sentences),
    }


def projection_html(proj: Projection, title: str | None = None, width: int = 900, height: int = 650) -> str:
    """A self-contained interactive HTML page of `proj` (inline data, canvas and script; no external URLs)."""
    data = json.dumps(projection_data(proj, width, height), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # safe inside <script>
    page = _HTML.replace("__TITLE__", html.escape(title or proj.title())).replace("__NOTE__", html.escape(proj.note))
    return page.replace("__DATA__", data)


def check_plot_path(path: str | Path) -> Path:
    """`path` as a Path if its suffix is one `save_projection` writes (.png .svg .pdf .html), else CtxvecError."""
    p = Path(path)
    if p.suffix.lower() not in (*FIGURE_SUFFIXES, ".html", ".htm"):
        raise CtxvecError(f"cannot write a plot to {p}; use a .png, .svg, .pdf or .html file name")
    return p


def save_projection(
    proj: Projection, path: str | Path, width: int = 1200, height: int = 800, title: str | None = None
) -> Path:
    """Write `proj` to `path`: an interactive page for .html, else a static figure (.png, .svg, .pdf)."""
    p = check_plot_path(path)
    if p.suffix.lower() in (".html", ".htm"):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(projection_html(proj, title, width=width, height=height), encoding="utf-8")
        return p
    return save_figure(plot_projection(proj, title=title), p, width, height)
