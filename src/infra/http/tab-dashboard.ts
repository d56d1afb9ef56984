/**
 * Issue 15 point 3: the managers' dashboard over the read model (src/app/dashboard.ts), behind the tab's sign-in and
 * scoped like the list (a chair their own strats, a manager their team's chairs, a head of service all).
 *
 *   GET /api/tab/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD[&team=…] → figures, each with the /api/tab/list drill
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
  return router;
}
