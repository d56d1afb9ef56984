// The tab's first page: the open strategy discussions, soonest due first (the managers' dashboard comes later).
const london = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

async function initTeams() {
  // Inside Teams, tell the host we loaded; in a plain browser (local mode) this fails quietly.
  try {
    if (window.microsoftTeams) await Promise.race([window.microsoftTeams.app.initialize(), new Promise((_, r) => setTimeout(r, 1500))]);
  } catch { /* not in Teams */ }
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
    const res = await fetch("/api/tab/strats", { headers: { accept: "application/json" } });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
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

await initTeams();
await load();
setInterval(load, 30_000);
