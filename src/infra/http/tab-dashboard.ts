/**
 * Issue 15 point 3: the managers' dashboard over the read model (src/app/dashboard.ts), behind the tab's sign-in and
 * scoped like the list (a chair their own strats, a manager their team's chairs, a head of service all).
 *
 *   GET /api/tab/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD[&team=…] → figures, each with the /api/tab/list drill
 *   GET /api/tab/teams → { teams: [{ id, name }] }: the teams of the strats the viewer may see (the team chooser), each
 *     named as Teams last told the bot (migration 017), else by its id shortened
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
 * A team's name to show when Teams has not told the bot its name (no activity from that team carried it, migration
 * 017): the thread id shortened, `19:seed-team-1@thread.tacv2` → "Team 19:seed-team-1…" (at most 20 characters of the id).
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
    res.setHeader("cache-control", "no-store");
    res.json({ teams: await teamsNamed(ctx, ids) });
  });
  return router;
}

/**
 * Each team with a name to show: the stored name (bot/strategy-bot.ts keeps what Teams sends), else the id shortened.
 * Two teams that would show alike get their ids after the name (the chooser must tell teams apart). Ordered by name.
 */
export async function teamsNamed(ctx: AppContext, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
  const stored = (await ctx.teamNames?.namesOf(ids)) ?? new Map<string, string>();
  const names = ids.map((id) => stored.get(id) ?? teamName(id));
  const alike = (i: number) => names.indexOf(names[i]!) !== names.lastIndexOf(names[i]!);
  return ids
    .map((id, i) => ({ id, name: !alike(i) ? names[i]! : stored.has(id) ? `${names[i]} · ${teamName(id).slice("Team ".length)}` : `Team ${id}` }))
    .sort((a, b) => a.name.localeCompare(b.name, "en-GB") || (a.id < b.id ? -1 : 1));
}
