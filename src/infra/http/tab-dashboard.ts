/**
 * Issue 15 point 3: the managers' dashboard over the read model (src/app/dashboard.ts), behind the tab's sign-in and
 * scoped like the list (a chair their own strats, a manager their team's chairs, a head of service all).
 *
 *   GET /api/tab/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD[&team=…] → figures, each with the /api/tab/list drill
 *   GET /api/tab/teams → { teams: [{ id, name }] }: the teams of the strats the viewer may see (the team chooser)
 *
 * Bad parameters: 400 naming the field, in words; nothing is changed.
 */
import express, { type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { dashboard } from "../../app/dashboard.js";
import { parsePeriod } from "../../app/figures.js";
import type { ListScope } from "./tab-list.js";

const ZTeam = z.string().min(1).max(300).optional();

/**
 * A team's name to show. The app stores no team names (a conversation reference names the conversation, not its team),
 * so the thread id shortened: `19:seed-team-1@thread.tacv2` → "Team 19:seed-team-1…" (at most 20 characters of the id).
 */
export function teamName(id: string): string {
  const head = id.split("@")[0]!;
  const short = head.length > 20 ? head.slice(0, 20) : head;
  return short === id ? `Team ${id}` : `Team ${short}…`;
}

export function tabDashboardRoutes(ctx: AppContext, access: RequestHandler, scope: ListScope): express.Router {
  const router = express.Router();
  router.get("/api/tab/dashboard", access, async (req: Request, res: Response) => {
    const p = parsePeriod({ from: req.query.from, to: req.query.to }, ctx.clock.now());
    if (!p.ok) return void res.status(400).json({ error: p.error, field: p.field });
    const team = ZTeam.safeParse(req.query.team === "" ? undefined : req.query.team);
    if (!team.success) return void res.status(400).json({ error: "Team must be a team's id.", field: "team" });
    res.setHeader("cache-control", "no-store");
    res.json(await dashboard(ctx, p.period, { chairIn: scope(res), team: team.data }));
  });
  router.get("/api/tab/teams", access, async (_req: Request, res: Response) => {
    const ids = await ctx.strats.listTeams({ chairIn: scope(res) });
    const names = ids.map(teamName);
    // Two ids shortened alike: those show in full (the chooser must tell teams apart).
    const teams = ids.map((id, i) => ({ id, name: names.indexOf(names[i]!) === names.lastIndexOf(names[i]!) ? names[i]! : `Team ${id}` }));
    res.setHeader("cache-control", "no-store");
    res.json({ teams });
  });
  return router;
}
