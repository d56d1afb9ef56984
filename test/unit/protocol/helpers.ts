import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ReferralInput } from "../../../src/domain/protocol/referral.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export function referral(over: Partial<ReferralInput> = {}): ReferralInput {
  return {
    receivedAt: "2026-06-01T09:00:00Z",
    concerns: ["standard"],
    children: [{ ref: "C1", dob: "2015-03-01", inHospital: false, inPatient: false, lookedAfter: false, cpPlan: false, school: null }],
    unborn: false,
    medicalImplications: false,
    parentalMentalHealth: false,
    maternalMentalHealth: false,
    substanceMisuse: false,
    camhsInvolved: false,
    knownProfessionals: [],
    referrer: null,
    missing: null,
    ...over,
  };
}
