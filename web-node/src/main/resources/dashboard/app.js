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
    const [handlers, lock, jobs, queued] = await Promise.all([
      api("GET", "/api/handlers"), api("GET", "/api/job_lock"),
      api("GET", "/api/jobs?limit=20"), api("GET", "/api/jobs?state=new&limit=500")]);
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
