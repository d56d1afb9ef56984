import { describe, expect, it } from "vitest";
import { recordRecipients } from "../../src/app/distribute-record.js";
import { loadProfiles } from "../../src/infra/profiles/read-profile-files.js";
import { fullStrat } from "../support/full-strat.js";

/**
 * Issue 13 point 3, T-REC: the record goes to every current invitee with a mailbox and to the profile's extra
 * recipients (bristol-2024 5.4: GP, Named Nurse, the education provider's DSL, the service manager); those without an
 * address (the seed gives none) are listed as "no address", never sent to; an address is mailed once.
 */
describe("record recipients", () => {
  const profiles = loadProfiles();
  it("bristol-2024 5.4 adds the GP, the Named Nurse, the DSL and the service manager (no address in the seed)", () => {
    const s = fullStrat();
    const r = recordRecipients(s, profiles.get("bristol-2024"));
    expect(r.recipients.map((x) => x.address)).toEqual(s.state.invitees.map((i) => i.address));
    expect(r.noAddress).toEqual([
      "The child's GP", "Named Nurse, Community Child Health Partnership (Sirona Safeguarding Team)",
      "Designated Safeguarding Lead of the child's education provider", "The team's Service Manager / Deputy Service Manager",
    ]);
    expect(recordRecipients(s, profiles.get("bromley-2023")).noAddress).toEqual([]);
  });

  it("an extra recipient with an address is mailed (once, even if also invited); a removed invitee is not", () => {
    const s = fullStrat();
    const first = s.state.invitees[0]!;
    const removed = { ...s, state: { ...s.state, invitees: s.state.invitees.map((i, n) => (n === 1 ? { ...i, removed: { at: "2026-11-23T10:00:00.000Z", by: "chair", reason: "x" } } : i)) } };
    const r = recordRecipients(removed, { distribution: [{ label: "GP", address: "gp@surgery.example", source: "s" }, { label: "Again", address: first.address!.toUpperCase(), source: "s" }] });
    expect(r.recipients.map((x) => x.address)).toEqual([first.address, ...s.state.invitees.slice(2).map((i) => i.address), "gp@surgery.example"]);
    expect(r.recipients.at(-1)).toEqual({ address: "gp@surgery.example", inviteeId: null, label: "GP" });
  });
});
