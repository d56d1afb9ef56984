/**
 * Issue 15 point 4 (server side): one strat for the managers' tab (src/app/strat-view.ts) and the PDF of each verified
 * version, the same bytes the record export gives (src/infra/record/export.ts). Scoped like the list (tab-auth.ts
 * `canSee`): a strat the viewer may not see is answered exactly as one that does not exist. Bad parameters: 400
 * naming the field, in words; never a child's name or date of birth, and the file name is the reference only.
 *
 *   GET /api/tab/strat/:ref                       → StratView
 *   GET /api/tab/strat/:ref/record.pdf?version=N  → application/pdf
 */
import express, { type RequestHandler, type Response } from "express";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { stratRecord } from "../../app/strat-record.js";
import { stratView, visibleStrat } from "../../app/strat-view.js";
import type { Strat } from "../../domain/strat/strat.js";
import { exportRecord } from "../record/export.js";

const ZRef = z.string().regex(/^SD-\d{4}-\d{4,9}$/i);
const ZVersion = z.string().regex(/^[1-9]\d{0,3}$/).transform(Number);
const BAD_REF = { error: "The reference must be a strategy discussion reference such as SD-2026-0042.", field: "ref" } as const;
/** The one answer for a strat that is not there and one the viewer may not see: nothing of it, not even whether it exists. */
export const NOT_FOUND = { error: "There is no strategy discussion with this reference that you can see." } as const;

/** Whether the signed-in viewer may see a strat (tab-auth.ts canSee with the request's viewer). */
export type StratScope = (res: Response) => (s: Strat) => boolean;

export function tabStratRoutes(ctx: AppContext, access: RequestHandler, scope: StratScope): express.Router {
  const router = express.Router();

  /** The strat of `:ref` the viewer may see, or the 400/404 already sent (null). */
  async function strat(raw: unknown, res: Response): Promise<Strat | null> {
    const ref = ZRef.safeParse(raw);
    if (!ref.success) {
      res.status(400).json(BAD_REF);
      return null;
    }
    const s = await visibleStrat(ctx, ref.data.toUpperCase(), scope(res));
    if (!s) res.status(404).json(NOT_FOUND);
    return s;
  }

  router.get("/api/tab/strat/:ref", access, async (req, res) => {
    const s = await strat(req.params.ref, res);
    if (!s) return;
    res.setHeader("cache-control", "no-store");
    res.json(await stratView(ctx, s));
  });

  router.get("/api/tab/strat/:ref/record.pdf", access, async (req, res) => {
    const s = await strat(req.params.ref, res);
    if (!s) return;
    const verified = s.state.closure ? 1 + s.state.amendments.length : 0;
    const version = ZVersion.safeParse(req.query.version);
    if (!version.success || version.data > verified) {
      const error = verified === 0
        ? "This record is not verified yet: a PDF is made for each verified version."
        : `The version must be a verified version of this record: 1 to ${verified}.`;
      return void res.status(400).json({ error, field: "version" });
    }
    const file = await exportRecord(await stratRecord(ctx, s.ref, version.data), "pdf");
    res.status(200).type(file.contentType).setHeader("content-disposition", `inline; filename="${file.fileName}"`); // references only
    res.setHeader("cache-control", "no-store");
    res.send(file.bytes);
  });
  return router;
}
