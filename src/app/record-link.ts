import type { AppContext } from "./context.js";
import { recordOfStrat } from "./strat-record.js";
import type { RecordFileOut, RenderRecordFile } from "./distribute-record.js";
import { invitationByLink } from "./respond-to-invitation.js";

/**
 * The record read through an invitee's personal link (GET /respond/:token/record.pdf): the current version, only
 * once verified, only for a token of an invitee of that strat; null otherwise (the page says the link is not valid).
 */
export async function recordForLink(ctx: AppContext, token: string, render: RenderRecordFile): Promise<RecordFileOut | null> {
  const found = await invitationByLink(ctx, token);
  if (!found || found.strat.status !== "closed") return null;
  return render(await recordOfStrat(ctx, found.strat));
}
