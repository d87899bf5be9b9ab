// labs web: the topology, each router's show output, its packet events and its console.
// Everything comes from this server (/api/*, /ws/console); nothing from the internet.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const W = 760, H = 460;
let topo = null;          // /api/topology
let routerState = {};     // name -> /api/state router
const pos = {};           // node name -> {x, y}
const maxRows = 400;      // event rows kept in the page
let paused = false;

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVGNS, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function short(name) { return name.replace(/^GigabitEthernet/, "Gi"); }

// layout places routers on a row and each other node around the node it hangs off.
function layout(t) {
  const kinds = {};
  t.nodes.forEach(n => kinds[n.name] = n.kind);
  const nbrs = {};
  t.nodes.forEach(n => nbrs[n.name] = []);
  t.links.forEach(l => { nbrs[l.a.node].push(l.b.node); nbrs[l.b.node].push(l.a.node); });
  const routers = t.nodes.filter(n => n.kind === "router").map(n => n.name);
  routers.forEach((r, i) => pos[r] = { x: (i + 1) * W / (routers.length + 1), y: H / 2 });
  const around = (center, names, radius, from) => {
    const free = names.filter(n => !pos[n]);
    free.forEach((n, j) => {
      let a;
      if (from === undefined) {
        a = routers.length > 1 ? [-90, 90, -50, -130, 50, 130, -20, -160, 20, 160][j % 10] : -90 + j * 360 / free.length;
      } else {
        a = from + (j - (free.length - 1) / 2) * 35;
      }
      a = a * Math.PI / 180;
      pos[n] = { x: Math.min(W - 60, Math.max(60, pos[center].x + radius * Math.cos(a))),
                 y: Math.min(H - 40, Math.max(40, pos[center].y + radius * Math.sin(a))) };
    });
    return free;
  };
  const placed = [];
  routers.forEach(r => placed.push(...around(r, nbrs[r].filter(n => kinds[n] !== "router"), 170)));
  // Nodes behind a switch (or a host with several links): outward from what they hang off.
  for (let pass = 0; pass < 3; pass++) {
    placed.slice().forEach(p => {
      const r = routers.find(r => nbrs[p].includes(r)) || p;
      const dir = Math.atan2(pos[p].y - pos[r].y, pos[p].x - pos[r].x) * 180 / Math.PI;
      placed.push(...around(p, nbrs[p], 110, dir));
    });
  }
  t.nodes.filter(n => !pos[n.name]).forEach((n, i) => pos[n.name] = { x: 60 + (i % 8) * 90, y: H - 30 });
}

// ifInfo is what a link end shows: the interface, its address and the router's line state.
function ifInfo(node, ifname) {
  const n = topo.nodes.find(n => n.name === node);
  const it = (n && n.ifs.find(i => i.name === ifname)) || { short: ifname };
  const rs = routerState[node];
  if (n && n.kind === "router" && rs) {
    const b = rs.ifs.find(i => i.name === ifname || short(i.name) === short(ifname));
    if (b) return { label: short(ifname), addr: b.addr === "unassigned" ? "" : b.addr,
      state: b.status + "/" + b.protocol, up: b.status === "up" && b.protocol === "up" };
    return { label: short(ifname), addr: "", state: "", up: undefined };
  }
  return { label: it.short || ifname, addr: it.addr || "", state: "", up: n ? n.state === "running" : undefined };
}

function drawTopology() {
  const svg = document.getElementById("topology");
  svg.textContent = "";
  const links = el("svg:g", {}), ends = el("svg:g", {}), nodes = el("svg:g", {});
  svg.append(links, nodes, ends);
  topo.links.forEach(l => {
    const a = pos[l.a.node], b = pos[l.b.node];
    const ia = ifInfo(l.a.node, l.a.if), ib = ifInfo(l.b.node, l.b.if);
    const up = ia.up === false || ib.up === false ? "down" : (ia.up === undefined && ib.up === undefined ? "unknown" : "up");
    const line = el("svg:line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "link " + up, "data-link": l.id });
    line.append(el("svg:title", {}, l.id + " (" + l.kind + ")"));
    links.append(line);
    [[a, b, ia], [b, a, ib]].forEach(([p, q, info]) => {
      const t = 0.36, x = p.x + (q.x - p.x) * t, y = p.y + (q.y - p.y) * t;
      const g = el("svg:text", { x: x + 6, y: y - 4, class: "end" });
      g.append(el("svg:tspan", { x: x + 6, dy: 0 }, info.label + (info.state ? " " + info.state : "")));
      if (info.addr) g.append(el("svg:tspan", { x: x + 6, dy: 13, class: "addr" }, info.addr));
      if (info.up === false) g.firstChild.setAttribute("class", "state-down");
      ends.append(g);
    });
  });
  topo.nodes.forEach(n => {
    const p = pos[n.name];
    const g = el("svg:g", { class: "node " + n.kind + (n.state && n.state !== "running" ? " down" : ""), "data-node": n.name });
    if (n.kind === "router") {
      g.append(el("svg:circle", { cx: p.x, cy: p.y, r: 30 }));
      g.addEventListener("click", () => openConsole(n.name));
    } else if (n.kind === "switch") {
      g.append(el("svg:polygon", { points: [[-34, 0], [-20, -20], [20, -20], [34, 0], [20, 20], [-20, 20]].map(([dx, dy]) => (p.x + dx) + "," + (p.y + dy)).join(" ") }));
    } else {
      g.append(el("svg:rect", { x: p.x - 34, y: p.y - 18, width: 68, height: 36, rx: 5 }));
    }
    g.append(el("svg:text", { x: p.x, y: p.y }, n.name));
    g.append(el("svg:title", {}, n.name + " (" + n.kind + ", " + (n.state || "?") + ")"));
    nodes.append(g);
  });
}

function routerPanel(name) {
  let sec = document.getElementById("router-" + name);
  if (sec) return sec;
  sec = el("section", { id: "router-" + name, class: "panel router" });
  const h = el("h2", {}, name + " ");
  h.append(el("span", { class: "age" }), el("span", { class: "err" }));
  const b = el("button", { type: "button" }, "console");
  b.addEventListener("click", () => openConsole(name));
  h.append(b);
  sec.append(h);
  document.getElementById("routers").append(sec);
  return sec;
}

function renderState(st) {
  st.routers.forEach(r => {
    routerState[r.name] = r;
    const sec = routerPanel(r.name);
    sec.querySelector(".age").textContent = r.updated ? "updated " + new Date(r.updated).toLocaleTimeString() : "";
    sec.querySelector(".err").textContent = r.error ? "(" + r.error + ")" : "";
    r.shows.forEach((s, i) => {
      let pre = sec.querySelector("pre[data-cmd='" + i + "']");
      if (!pre) {
        sec.append(el("h3", {}, r.name + "# " + s.command));
        pre = el("pre", { "data-cmd": i, "data-command": s.command });
        sec.append(pre);
      }
      if (pre.textContent !== s.output) pre.textContent = s.output;
    });
  });
  drawTopology();
}

async function poll() {
  const status = document.getElementById("status");
  try {
    const [t, s] = await Promise.all([fetch("/api/topology"), fetch("/api/state")]);
    if (!t.ok || !s.ok) throw new Error("HTTP " + t.status + "/" + s.status);
    const next = await t.json();
    if (!topo) {
      topo = next;
      document.getElementById("lab-name").textContent = topo.lab;
      document.title = "labs web: " + topo.lab;
      layout(topo);
      const f = document.getElementById("event-filter");
      topo.links.forEach(l => f.append(el("option", { value: "link:" + l.id }, l.id)));
      topo.nodes.filter(n => n.kind === "router").forEach(n => f.append(el("option", { value: "node:" + n.name }, n.name + " (every link)")));
    }
    topo = next;
    renderState(await s.json());
    status.textContent = "live";
    status.className = "status live";
  } catch (e) {
    status.textContent = "server unreachable";
    status.className = "status down";
  }
  setTimeout(poll, 1000);
}

function matchesFilter(li) {
  const f = document.getElementById("event-filter").value;
  if (!f) return true;
  const [k, v] = [f.slice(0, f.indexOf(":")), f.slice(f.indexOf(":") + 1)];
  return k === "link" ? li.dataset.link === v : li.dataset.node === v;
}

function addEvent(it) {
  const ev = it.event || {};
  const kind = it.error ? "error" : ev.kind;
  const li = el("li", { class: kind + (ev.action === "deny" ? " deny" : ""), "data-node": it.node, "data-link": it.link || "" });
  const when = ev.time ? new Date(ev.time).toLocaleTimeString() : "";
  const where = it.node + (ev.in ? " " + short(ev.in) : "") + (it.link ? " [" + it.link + "]" : "");
  li.append(el("span", { class: "kind" }, (kind || "").toUpperCase()), el("span", { class: "meta" }, when + " " + where), el("span", { class: "text" }, it.text));
  li.hidden = !matchesFilter(li);
  const list = document.getElementById("events");
  list.prepend(li);
  if (kind === "ftp") { // the rewrites stay in view above the stream: the last few
    const pinned = document.getElementById("ftp-events");
    pinned.prepend(li.cloneNode(true));
    while (pinned.children.length > 4) pinned.lastChild.remove();
  }
  while (list.children.length > maxRows) list.lastChild.remove();
  if (it.link) {
    const line = document.querySelector("line[data-link='" + CSS.escape(it.link) + "']");
    if (line) { line.classList.add("flash"); setTimeout(() => line.classList.remove("flash"), 600); }
  }
}

function followEvents() {
  const es = new EventSource("/api/events");
  const queue = [];
  es.onmessage = m => {
    const it = JSON.parse(m.data);
    if (paused) { queue.push(it); if (queue.length > maxRows) queue.shift(); return; }
    addEvent(it);
  };
  document.getElementById("events-pause").addEventListener("click", e => {
    paused = !paused;
    e.target.textContent = paused ? "resume" : "pause";
    if (!paused) queue.splice(0).forEach(addEvent);
  });
  document.getElementById("event-filter").addEventListener("change", () => {
    document.querySelectorAll("#events li").forEach(li => li.hidden = !matchesFilter(li));
  });
}

// The console: xterm.js on a WebSocket the server bridges to the router's console socket.
let term = null, sock = null;
function openConsole(name) {
  closeConsole();
  const dlg = document.getElementById("console-dialog");
  dlg.hidden = false;
  document.getElementById("console-title").textContent = name + " console";
  term = new Terminal({ rows: 24, cols: 100, convertEol: false, fontSize: 13 });
  term.open(document.getElementById("terminal"));
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  sock = new WebSocket(proto + "//" + location.host + "/ws/console?node=" + encodeURIComponent(name) + "&rows=24&cols=100");
  sock.binaryType = "arraybuffer";
  const enc = new TextEncoder();
  sock.onmessage = m => term.write(new Uint8Array(m.data));
  sock.onclose = () => term && term.write("\r\n[connection closed]\r\n");
  sock.onopen = () => { sock.send(enc.encode("\r")); term.focus(); };
  term.onData(d => { if (sock.readyState === WebSocket.OPEN) sock.send(enc.encode(d)); });
}
function closeConsole() {
  if (sock) { sock.close(); sock = null; }
  if (term) { term.dispose(); term = null; }
  document.getElementById("console-dialog").hidden = true;
}
document.getElementById("console-close").addEventListener("click", closeConsole);

poll();
followEvents();
