"""`projection_html`: a `Projection` as one self-contained HTML page.

Inline canvas and JavaScript, no network access: the plot fills the browser window (no scroll bars at
1200x800 or larger; it refits on resize), a search box highlights the points whose token starts with
the text or whose sentence contains it, hover a point to see its token and sentence, click a legend
entry to hide a group, wheel to zoom, drag to pan, double-click to reset.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

import numpy as np

from ..results import JSON
from ._colors import group_colors

if TYPE_CHECKING:
    from ..structure import Projection

_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
html,body{height:100%;margin:0;overflow:hidden}
body{font:14px system-ui,sans-serif;color:#222;display:flex;flex-direction:column;padding:12px 16px;box-sizing:border-box}
h1{font-size:18px;margin:0 0 4px}
#note{color:#666;margin:0 0 8px}
#bar{display:flex;gap:8px;align-items:center;margin:0 0 8px}
#search{font:inherit;padding:3px 6px;width:240px} #found{color:#666;font-size:13px}
#main{display:flex;gap:16px;align-items:stretch;flex:1;min-height:0}
#wrap{position:relative;border:1px solid #ddd;flex:1;min-width:0;min-height:0}
canvas{display:block;cursor:crosshair;position:absolute;left:0;top:0}
#tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #999;padding:6px 8px;max-width:420px;
box-shadow:0 2px 6px rgba(0,0,0,.2);display:none;font-size:13px;line-height:1.35;z-index:2}
#tip b{font-size:14px} #tip mark{background:#ffe066}
#side{width:220px;flex:none;overflow-y:auto}
#legend div{cursor:pointer;margin:2px 0;user-select:none} #legend div.off{opacity:.35}
#legend span{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:6px;vertical-align:-1px}
#help{color:#888;font-size:12px;margin-top:6px}
</style></head><body>
<h1>__TITLE__</h1><p id="note">__NOTE__</p>
<div id="bar"><input id="search" type="search" placeholder="find a word or sentence text" aria-label="search points"
autocomplete="off"><span id="found"></span></div>
<div id="main"><div id="wrap"><canvas id="plot"></canvas><div id="tip"></div></div>
<div id="side"><div id="legend"></div><div id="help">search: highlight matching points<br>hover: token and
sentence<br>click legend: hide/show<br>wheel: zoom, drag: pan<br>double-click: reset</div></div></div>
<script id="data" type="application/json">__DATA__</script>
<script>
(function(){
const D=JSON.parse(document.getElementById('data').textContent);
const N=D.x.length,pad=20;let W=D.width,H=D.height;
const cv=document.getElementById('plot'),tip=document.getElementById('tip'),ctx=cv.getContext('2d');
const wrap=document.getElementById('wrap');
let x0=Math.min(...D.x),x1=Math.max(...D.x),y0=Math.min(...D.y),y1=Math.max(...D.y);
if(x1===x0){x0-=1;x1+=1}if(y1===y0){y0-=1;y1+=1}
let home={s:1,cx:(x0+x1)/2,cy:(y0+y1)/2};
let view=Object.assign({},home);const hidden=new Set();let hover=-1;let match=null;
function fit(){const w=Math.max(100,wrap.clientWidth),h=Math.max(100,wrap.clientHeight);
 const zoomed=view.s/home.s;W=w;H=h;const dpr=window.devicePixelRatio||1;
 cv.width=W*dpr;cv.height=H*dpr;cv.style.width=W+'px';cv.style.height=H+'px';ctx.setTransform(dpr,0,0,dpr,0,0);
 home.s=Math.min((W-2*pad)/(x1-x0),(H-2*pad)/(y1-y0));view.s=home.s*zoomed;}
const sx=i=>W/2+(D.x[i]-view.cx)*view.s, sy=i=>H/2-(D.y[i]-view.cy)*view.s;
const r=N>2000?2.5:N>500?3.5:5;
const order=[...Array(N).keys()].sort((a,b)=>(D.names[D.g[b]]==='other')-(D.names[D.g[a]]==='other'));
function draw(){ctx.clearRect(0,0,W,H);
 let drawn=0;
 for(const i of order){if(hidden.has(D.g[i]))continue;drawn++;
  ctx.globalAlpha=match?(match.has(i)?0.95:0.12):(D.names[D.g[i]]==='other'?0.5:0.8);
  ctx.fillStyle=D.colors[D.g[i]];ctx.beginPath();ctx.arc(sx(i),sy(i),r,0,6.2832);ctx.fill();}
 if(match){ctx.globalAlpha=1;ctx.strokeStyle='#000';ctx.lineWidth=1.5;
  for(const i of match){if(hidden.has(D.g[i]))continue;ctx.beginPath();ctx.arc(sx(i),sy(i),r+2.5,0,6.2832);ctx.stroke();}}
 ctx.globalAlpha=1;ctx.font='bold 13px system-ui,sans-serif';ctx.textAlign='center';
 ctx.lineWidth=3;ctx.strokeStyle='#fff';
 const boxes=[];ctx.textBaseline='middle';
 D.names.forEach((name,g)=>{if(name==='other'||hidden.has(g)||D.names.length>24)return;
  const xs=[],ys=[];for(let i=0;i<N;i++)if(D.g[i]===g){xs.push(sx(i));ys.push(sy(i));}
  if(!xs.length)return;xs.sort((a,b)=>a-b);ys.sort((a,b)=>a-b);const m=xs.length>>1;
  const w=ctx.measureText(name).width+4,h=16;let x=xs[m],y=ys[m];
  const hit=(x,y)=>boxes.some(b=>Math.abs(b.x-x)<(b.w+w)/2&&Math.abs(b.y-y)<h);
  for(let k=1;k<60&&hit(x,y);k++)y=ys[m]+(k%2?1:-1)*Math.ceil(k/2)*h;  // nearest free line above or below
  boxes.push({x,y,w});ctx.fillStyle=D.colors[g];ctx.strokeText(name,x,y);ctx.fillText(name,x,y);});
 cv.dataset.labels=JSON.stringify(boxes.map(b=>[Math.round(b.x),Math.round(b.y),Math.round(b.w)]));
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
const search=document.getElementById('search'),found=document.getElementById('found');
function find(){const q=search.value.trim().toLowerCase();
 if(!q){match=null;found.textContent='';cv.dataset.matches='';draw();return;}
 match=new Set();for(let i=0;i<N;i++){const t=String(D.t[i]).toLowerCase(),s=String(D.sentences[D.s[i]]||'').toLowerCase();
  if(t===q||t.startsWith(q)||s.includes(q))match.add(i);}
 found.textContent=match.size+' of '+N+' points match';cv.dataset.matches=String(match.size);draw();}
search.addEventListener('input',find);
window.addEventListener('resize',()=>{fit();draw();});
fit();draw();
})();
</script></body></html>
"""


def projection_data(proj: Projection, width: int = 900, height: int = 650) -> JSON:
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
