// Galley's dashboard: plain module, no build step, no CDN. The admin key is kept in this tab's
// sessionStorage and sent as the x-api-key header, never in a URL. It polls the API every second.
const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);
let selected = null;
let timer = null;

function key() { return sessionStorage.getItem("galley-key"); }

async function api(method, path, body) {
  const init = { method, headers: { "x-api-key": key() } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  if (r.status === 401 || r.status === 403) {
    logout("the key was refused");
    throw new Error("refused");
  }
  if (!r.ok) throw new Error(method + " " + path + ": " + r.status);
  const type = r.headers.get("content-type") || "";
  return type.startsWith("application/json") ? r.json() : r.text();
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(tbody, items, render) {
  tbody.replaceChildren();
  items.forEach((item) => render(tbody.insertRow(), item));
}

async function refresh() {
  try {
    const [handlers, lock, jobs, queued, cluster, activity] = await Promise.all([
      api("GET", "/api/handlers"), api("GET", "/api/job_lock"),
      api("GET", "/api/jobs?limit=20"), api("GET", "/api/jobs?state=new&limit=500"),
      api("GET", "/api/cluster"), api("GET", "/api/activity")]);
    showMembers(cluster.members);
    showActivity(activity);
    showHandlers(handlers.handlers);
    showLock(lock.active);
    showQueue(queued);
    showJobs(jobs);
    if (selected !== null) await showDetail(selected);
    $("status").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.message !== "refused") $("status").textContent = "not updated: " + e.message;
  }
}

function showMembers(members) {
  fill($("members").tBodies[0], members, (row, m) => {
    row.dataset.address = m.address;
    if (m.server_name) row.dataset.name = m.server_name;
    cell(row, (m.server_name || "") + (m.self ? " (this node)" : "") + (m.leader ? " (leader)" : ""));
    cell(row, m.address); cell(row, m.roles.join(", "), "roles"); cell(row, m.pools.join(", "));
    cell(row, m.status, "status");
    cell(row, m.reachable ? "yes" : "no", m.reachable ? "reachable" : "reachable unreachable");
  });
}

const SVG = "http://www.w3.org/2000/svg";
const W = 480, H = 120, PAD = 4;

function svgChild(svg, name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, String(v)));
  if (text !== undefined) e.textContent = text;
  svg.append(e);
  return e;
}

// One small line chart: each series is [className, values (null: no point)], on one scale from 0.
function chart(figure, series, unit) {
  const svg = figure.querySelector("svg");
  svg.replaceChildren();
  const n = Math.max(...series.map(([, v]) => v.length), 0);
  const all = series.flatMap(([, v]) => v).filter((x) => x !== null);
  const top = Math.max(...all, 0) || 1;
  [0.5, 1].forEach((f) => svgChild(svg, "line", { class: "grid", x1: 0, x2: W, y1: H - PAD - f * (H - 2 * PAD),
    y2: H - PAD - f * (H - 2 * PAD) }));
  svgChild(svg, "text", { class: "axis", x: 2, y: 12 }, fmt(top) + " " + unit);
  series.forEach(([cls, values]) => {
    const points = [];
    values.forEach((v, i) => {
      if (v === null) return;
      const x = (n <= 1 ? W - PAD : PAD + (i * (W - 2 * PAD)) / (n - 1)).toFixed(1);
      const y = (H - PAD - (v / top) * (H - 2 * PAD)).toFixed(1);
      points.push(x + "," + y);
      // A point without neighbours (a lone start between quiet samples) would draw no line.
      if ((i === 0 || values[i - 1] === null) && (i === n - 1 || values[i + 1] === null)) {
        svgChild(svg, "circle", { class: cls, cx: x, cy: y, r: 2.5 });
      }
    });
    svgChild(svg, "polyline", { class: cls, points: points.join(" ") });
  });
  figure.dataset.samples = n;
  figure.dataset.max = all.length ? Math.max(...all) : 0;
}

function fmt(x) { return x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2); }

function showActivity(a) {
  const s = a.samples;
  $("activity-span").textContent = Math.max(1, Math.round((s.length * a.interval_seconds) / 60)) + " min, a sample every "
    + a.interval_seconds + " s";
  const ended = s.map((x) => x.ended_per_s), started = s.map((x) => x.started_per_s);
  const p50 = s.map((x) => x.dispatch_p50_s), p95 = s.map((x) => x.dispatch_p95_s);
  chart($("throughput"), [["started", started], ["ended", ended]], "jobs/s");
  chart($("latency"), [["p50", p50], ["p95", p95]], "s");
  const last = s.length ? s[s.length - 1] : null;
  const max = (v) => fmt(Math.max(0, ...v.filter((x) => x !== null)));
  caption($("throughput"), [["key-ended", "ended/s"], ["key-started", "started/s"]],
    "now " + (last ? fmt(last.ended_per_s) + " / " + fmt(last.started_per_s) : "–") + ", max " + max(ended) + " / "
    + max(started));
  caption($("latency"), [["key-p50", "dispatch p50"], ["key-p95", "p95"]],
    "max " + max(p50) + " s / " + max(p95) + " s (create → start)");
}

function caption(figure, keys, text) {
  const c = figure.querySelector("figcaption");
  c.replaceChildren();
  keys.forEach(([cls, label], i) => {
    const k = document.createElement("span");
    k.className = cls;
    k.textContent = (i ? " · " : "") + "— " + label;
    c.append(k);
  });
  c.append(": " + text);
}

function showHandlers(handlers) {
  fill($("handlers").tBodies[0], handlers, (row, h) => {
    row.dataset.name = h.name;
    cell(row, h.name); cell(row, h.pools.join(", ")); cell(row, h.workers); cell(row, h.running);
    cell(row, h.free_slots); cell(row, h.drained ? "yes" : "no", "drained");
    const button = document.createElement("button");
    button.textContent = h.drained ? "Undrain" : "Drain";
    button.addEventListener("click", () => changeDrain(h.name, !h.drained));
    row.insertCell().append(button);
  });
}

async function changeDrain(name, drain) {
  if (!confirm((drain ? "Drain" : "Undrain") + " handler " + name + "?")) return;
  await api("POST", "/api/handlers/" + encodeURIComponent(name) + (drain ? "/drain" : "/undrain"));
  await refresh();
}

function showLock(active) {
  $("lock-state").textContent = active ? "on: no handler starts new jobs" : "off";
  $("lock-toggle").textContent = active ? "Lift the job lock" : "Lock jobs";
  $("lock-toggle").onclick = async () => {
    if (!confirm(active ? "Lift the job lock?" : "Lock jobs: no handler starts new jobs?")) return;
    await api("PUT", "/api/job_lock", { active: !active });
    await refresh();
  };
}

function showQueue(jobs) {
  const pools = new Map();
  jobs.forEach((j) => {
    const p = pools.get(j.pool) || { n: 0, users: new Map() };
    p.n++;
    p.users.set(j.owner, (p.users.get(j.owner) || 0) + 1);
    pools.set(j.pool, p);
  });
  fill($("queue").tBodies[0], [...pools.entries()], (row, [pool, p]) => {
    cell(row, pool); cell(row, p.n);
    cell(row, [...p.users.entries()].map(([u, n]) => u + " " + n).join(", "));
  });
}

function showJobs(jobs) {
  fill($("jobs").tBodies[0], jobs, (row, j) => {
    row.className = "job";
    row.dataset.id = j.id;
    cell(row, j.id); cell(row, j.tool_id); cell(row, j.state, "state state-" + j.state);
    cell(row, j.owner); cell(row, j.handler); cell(row, j.create_time);
    row.addEventListener("click", () => { selected = j.id; showDetail(j.id); });
  });
}

async function showDetail(id) {
  const [job, metrics] = await Promise.all([api("GET", "/api/jobs/" + id + "?full=true"),
    api("GET", "/api/jobs/" + id + "/metrics")]);
  $("detail").hidden = false;
  $("detail-id").textContent = id + " (" + job.state + ")";
  $("detail-stdout").textContent = job.stdout;
  $("detail-stderr").textContent = job.stderr;
  fill($("detail-metrics").tBodies[0], metrics, (row, m) => { cell(row, m.title); cell(row, m.value); });
}

function login() {
  $("login").hidden = true;
  $("board").hidden = false;
  $("logout").hidden = false;
  refresh();
  timer = setInterval(refresh, POLL_MS);
}

function logout(why) {
  sessionStorage.removeItem("galley-key");
  clearInterval(timer);
  $("board").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
  $("status").textContent = why || "";
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem("galley-key", $("key").value);
  $("key").value = "";
  login();
});
$("logout").addEventListener("click", () => logout("logged out"));
if (key()) login(); else logout();
