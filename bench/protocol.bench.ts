/**
 * Benchmark (not a timed test): invitee recommendation + deadline for 100,000 referrals on one core.
 * Target ≥ 50,000 referrals/s. Run: `npx tsx bench/protocol.bench.ts` (prints JSON).
 *
 * One warm-up pass, then RUNS timed passes over the same 100,000 referrals; the JSON gives each
 * pass's rate, and min / median / max. `opsPerSec` (and `ms`) are the median pass.
 */
import { computeDeadline, parseReferral, recommendInvitees, type Referral } from "../src/domain/protocol/index.js";
import { loadProfiles } from "../src/infra/profiles/read-profile-files.js";
import { pathToFileURL } from "node:url";

const CONCERN_SETS = [["standard"], ["serious-harm"], ["immediate-action", "standard"], ["complex"], ["missing"], ["allegation-against-staff", "sexual-abuse-forensic"]] as const;

function makeReferrals(n: number): Referral[] {
  const base = Date.UTC(2026, 0, 1);
  const out: Referral[] = [];
  // Parse a pool once (validation is not on the hot path), then vary receivedAt across 2026–2027.
  const pool = CONCERN_SETS.map((concerns, i) =>
    parseReferral({
      receivedAt: "2026-01-01T10:00:00Z",
      concerns: [...concerns],
      children: [
        { ref: "C1", dob: "2014-05-01", inHospital: i % 2 === 0, lookedAfter: i % 3 === 0, school: { name: "S", borough: i % 2 ? "Bromley" : "Croydon", dslEmail: "dsl@s.sch.uk" } },
        { ref: "C2", dob: "2023-02-01" },
      ],
      medicalImplications: i % 2 === 1,
      parentalMentalHealth: true,
      knownProfessionals: [{ name: "Pat", email: "pat@nhs.net", service: "Health Visiting" }],
      referrer: { name: "Sam", email: "sam@school.org", professional: true },
      missing: { reportedAt: "2025-12-31T22:00:00Z", particularConcerns: i % 2 === 0 },
    }),
  );
  for (let k = 0; k < n; k++) {
    const p = pool[k % pool.length]!;
    const t = base + ((k * 7_919_993) % (730 * 86_400_000));
    out.push({ ...p, receivedAt: new Date(t), missing: p.missing ? { ...p.missing, reportedAt: new Date(t - 3_600_000) } : null });
  }
  return out;
}

const RUNS = 5;

export interface ProtocolBenchResult {
  name: string;
  /** Median of the RUNS passes (referrals per second). */
  opsPerSec: number;
  n: number;
  /** Milliseconds of the median pass. */
  ms: number;
  profile: string;
  runs: number;
  opsPerSecMin: number;
  opsPerSecMedian: number;
  opsPerSecMax: number;
  /** Every pass's rate, in run order. */
  opsPerSecRuns: number[];
}

export async function run(): Promise<ProtocolBenchResult> {
  const reg = loadProfiles();
  const profile = reg.get("bromley-2023");
  const n = 100_000;
  const refs = makeReferrals(n);
  let sink = 0;
  // Warm-up (JIT, holiday cache): one full pass.
  for (let i = 0; i < n; i++) {
    const r = refs[i]!;
    sink += computeDeadline(profile, r).due.getTime() + recommendInvitees(profile, r, r.receivedAt).length;
  }
  const passes: { ms: number; opsPerSec: number }[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const r = refs[i]!;
      sink += computeDeadline(profile, r).due.getTime() & 1;
      sink += recommendInvitees(profile, r, r.receivedAt).length;
    }
    const ms = performance.now() - t0;
    passes.push({ ms, opsPerSec: Math.round((n / ms) * 1000) });
  }
  if (sink === -1) console.log(sink);
  const sorted = [...passes].sort((a, b) => a.opsPerSec - b.opsPerSec);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    name: "protocol: computeDeadline + recommendInvitees (bromley-2023)",
    opsPerSec: median.opsPerSec,
    n,
    ms: Math.round(median.ms),
    profile: profile.id,
    runs: RUNS,
    opsPerSecMin: sorted[0]!.opsPerSec,
    opsPerSecMedian: median.opsPerSec,
    opsPerSecMax: sorted[sorted.length - 1]!.opsPerSec,
    opsPerSecRuns: passes.map((p) => p.opsPerSec),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then((r) => console.log(JSON.stringify(r)));
}
