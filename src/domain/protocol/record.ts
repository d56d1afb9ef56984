/** R-REC: the record fields a strat's profile asks, and whether its concerns make the complex-only or missing-only ones apply. */
import type { RecordRules } from "../strat/state.js";
import type { ProfileBase } from "./profile.js";
import type { Referral } from "./referral.js";

export const recordRules = (profile: Pick<ProfileBase, "record">, referral: Pick<Referral, "concerns">): RecordRules => ({
  fields: profile.record,
  complex: referral.concerns.includes("complex"),
  missing: referral.concerns.includes("missing"),
});
