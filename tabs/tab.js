// The tab's first page: the open strategy discussions, soonest due first (the managers' dashboard comes later).
const london = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

let inTeams = false;
async function initTeams() {
  // Inside Teams, tell the host we loaded; in a plain browser (local mode) this fails quietly.
  try {
    if (window.microsoftTeams) {
      await Promise.race([window.microsoftTeams.app.initialize(), new Promise((_, r) => setTimeout(r, 1500))]);
      inTeams = true;
    }
  } catch { /* not in Teams */ }
  // Outside Teams: the development sign-in (the server refuses it except in local mode, from this machine).
  document.getElementById("dev-signin").hidden = inTeams;
}

// Issue 15 point 2: inside Teams every API call carries the Teams SSO token (Teams caches and renews it);
// outside Teams the development sign-in's cookie goes by itself.
async function apiHeaders() {
  const headers = { accept: "application/json" };
  if (inTeams) headers.authorization = `Bearer ${await window.microsoftTeams.authentication.getAuthToken()}`;
  return headers;
}

const ROLE_NAMES = { chair: "chair", manager: "manager", head: "head of service" };
function showViewer(viewer) {
  if (viewer) document.getElementById("viewer").textContent = `Signed in as ${viewer.name ?? "you"} (${ROLE_NAMES[viewer.role]}).`;
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

async function load() {
  const summary = document.getElementById("summary");
  const table = document.getElementById("strats");
  try {
    const res = await fetch("/api/tab/strats", { headers: await apiHeaders() });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
    showViewer(body.viewer);
    const tbody = table.querySelector("tbody");
    tbody.replaceChildren();
    for (const s of body.strats) {
      const tr = document.createElement("tr");
      if (s.overdue) tr.className = "overdue";
      tr.append(cell(s.ref), cell(s.caseRef), cell(s.concerns.join(", ")), cell(london.format(new Date(s.dueAt))), cell(s.dueRule), cell(s.countdown, "countdown"));
      tbody.append(tr);
    }
    const overdue = body.strats.filter((s) => s.overdue).length;
    summary.textContent = body.strats.length === 0
      ? "No open strategy discussions. A chair opens one by typing new to the bot."
      : `${body.strats.length} open, ${overdue} overdue. Times are UK time.`;
    table.hidden = body.strats.length === 0;
  } catch (e) {
    summary.textContent = `Could not load the list: ${e.message}`;
    summary.className = "error";
  }
}

const day = (d) => d.toISOString().slice(0, 10);
const addDays = (d, n) => new Date(d.getTime() + n * 86_400_000);
const duration = (m) => (m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`);
const ROWS = {
  shortNotice: (s) => `${s.ref} (case ${s.caseRef}): ${london.format(new Date(s.start))}, set ${duration(s.minutesAhead)} ahead`,
  late: (s) => `${s.ref} (case ${s.caseRef}): ${london.format(new Date(s.start))}, ${duration(s.minutesLate)} after the due time${s.rationale ? `; rationale: ${s.rationale}` : ""}`,
  inquorate: (s) => `${s.ref} (case ${s.caseRef}): no ${s.missing.join(" or ")}${s.reason ? `; reason: ${s.reason}` : ""}`,
};

// Issue 14 point 7: the missing-children figures, one row each (counts only).
const kept = (k) => `${k.kept} of ${k.due}`;
function showMissing(m) {
  const o = m.openByDaysMissing;
  const rows = [
    ["Open episodes, missing 0–1 days", o["0-1"]], ["Open episodes, missing 2–3 days", o["2-3"]],
    ["Open episodes, missing 4–7 days", o["4-7"]], ["Open episodes, missing more than 7 days", o["over-7"]],
    ["Weekly strategy meetings held (of due)", kept(m.weeklyMeetings)], ["Escalations sent on time (of due)", kept(m.escalationsOnTime)],
    ["Return home interviews within 72 hours (of due)", kept(m.rhiWithin72h)],
  ];
  document.querySelector("#missing-figures tbody").replaceChildren(...rows.map(([label, n]) => {
    const tr = document.createElement("tr");
    tr.append(Object.assign(document.createElement("td"), { textContent: label }), Object.assign(document.createElement("td"), { textContent: String(n) }));
    return tr;
  }));
}

// Issue 12 point 9: the counted figures for a period of meetings (the managers' dashboard comes later).
async function loadCounted() {
  const form = document.getElementById("period");
  const summary = document.getElementById("counted-summary");
  const q = new URLSearchParams({ from: form.from.value, to: form.to.value });
  try {
    const res = await fetch(`/api/tab/figures?${q}`, { headers: await apiHeaders() });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
    summary.className = "subtle";
    summary.textContent = `${body.meetings} meeting(s) from ${body.from} to ${body.to} (UK days).`;
    for (const [k, row] of Object.entries(ROWS)) {
      document.getElementById(`count-${k}`).textContent = String(body[k].count);
      const ul = document.getElementById(`list-${k}`);
      ul.replaceChildren(...body[k].strats.map((s) => Object.assign(document.createElement("li"), { textContent: row(s) })));
    }
    showMissing(body.missing);
  } catch (e) {
    summary.textContent = `Could not load the figures: ${e.message}`;
    summary.className = "error";
  }
}

function initPeriod() {
  const form = document.getElementById("period");
  const today = new Date();
  form.from.value = day(addDays(today, -27));
  form.to.value = day(addDays(today, 14));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void loadCounted();
  });
}

await initTeams();
initPeriod();
await Promise.all([load(), loadCounted()]);
setInterval(load, 30_000);
