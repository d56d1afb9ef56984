import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ZOpenStratData } from "../actions/card-data.js";
import type { AppContext } from "../../src/app/context.js";
import { CHILD_ROLES, openChildOnChildStrats, openStrat, type ChildRole } from "../../src/app/open-strat.js";
import { isAppError } from "../../src/domain/errors.js";
import type { CardRenderer, AdaptiveCard } from "../cards/render-card.js";
import { DEFAULT_REFERENCE_FORMAT, referenceRule, type ReferenceFormat } from "../../src/domain/strat/reference.js";
import { londonDateTime, londonToInstant } from "../../src/domain/time/london.js";
import type { ActionHandler, CommandHandler } from "../turn.js";
import { CONCERN_LABELS } from "../views/labels.js";
import { openedCard } from "../views/strat-opened.js";

export const CHILD_ROWS = 3;

const CONCERN_CHOICES = Object.entries(CONCERN_LABELS).map(([value, title]) => ({ value, title }));
const CHILD_FLAGS = ["inHospital", "inPatient", "lookedAfter", "cpPlan"] as const;
const HOUSEHOLD_FLAGS = ["unborn", "medicalImplications", "parentalMentalHealth", "maternalMentalHealth", "substanceMisuse", "camhsInvolved"] as const;

type Form = z.infer<typeof ZOpenStratData>;

type Errors = Record<string, string>;

/** The card's help text and client-side check for case and child references (CHILD_REFERENCE_PATTERN; the date check is the server's). */
const referenceHelp = (f: ReferenceFormat) => ({ rule: referenceRule(f), regex: f.source, maxLength: f.maxLength });

/** The `new` form, prefilled with `form` (e.g. by "Convene a missing child protection strategy meeting"). */
export const newStratForm = (ctx: AppContext, cards: CardRenderer, form: Partial<Form>): AdaptiveCard => formCard(ctx, cards, form);

function formCard(ctx: AppContext, cards: CardRenderer, form: Partial<Form>, errors: Errors = {}, formError = ""): AdaptiveCard {
  const now = londonDateTime(ctx.clock.now());
  const f = form as Record<string, unknown>;
  const str = (k: string) => (typeof f[k] === "string" ? (f[k] as string) : "");
  return cards.render("new-strat", {
    requestId: str("requestId") || randomUUID(),
    caseRef: str("caseRef"),
    reference: referenceHelp(ctx.references ?? DEFAULT_REFERENCE_FORMAT),
    profile: str("profile") || ctx.defaultProfile,
    profiles: ctx.profiles.list().filter((p) => p.selectable).map((p) => ({ value: p.id, title: p.id })),
    concerns: str("concerns"),
    concernChoices: CONCERN_CHOICES,
    receivedDate: str("receivedDate") || now.date,
    receivedTime: str("receivedTime") || now.time,
    children: Array.from({ length: CHILD_ROWS }, (_, i) => ({
      n: i + 1,
      ref: str(`child${i + 1}Ref`),
      dob: str(`child${i + 1}Dob`),
      flags: str(`child${i + 1}Flags`),
      school: str(`child${i + 1}School`),
      schoolBorough: str(`child${i + 1}SchoolBorough`),
      schoolDsl: str(`child${i + 1}SchoolDsl`),
      role: str(`child${i + 1}Role`) || "other",
      error: errors[`child${i + 1}`] ?? "",
    })),
    household: str("household"),
    childOnChild: str("childOnChild") || "no",
    harmedChair: str("harmedChair"), harmerChair: str("harmerChair"),
    missingDate: str("missingDate"),
    missingTime: str("missingTime"),
    missingConcerns: str("missingConcerns") || "false",
    referrerName: str("referrerName"), referrerEmail: str("referrerEmail"),
    knownName: str("knownName"), knownEmail: str("knownEmail"), knownService: str("knownService"),
    errors: { caseRef: "", profile: "", concerns: "", receivedAt: "", missing: "", professionals: "", childRoles: "", harmedChair: "", harmerChair: "", ...errors },
    formError,
  });
}

/** `new`: the card to open a strat. */
export function newCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    await turn.sendCard(formCard(ctx, cards, {}));
  };
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

/** Card inputs → the referral the protocol engine validates; card-level mistakes are reported per field. */
function toReferral(form: Form): { referral?: unknown; roles: ChildRole[]; errors: Errors } {
  const errors: Errors = {};
  const receivedAt = londonToInstant(form.receivedDate, form.receivedTime);
  if (!receivedAt) errors.receivedAt = "Enter the date and time (UK) when reasonable cause to suspect significant harm was identified.";
  const f = form as Record<string, unknown>;
  const children: unknown[] = [];
  const roles: ChildRole[] = [];
  for (let n = 1; n <= CHILD_ROWS; n++) {
    const ref = String(f[`child${n}Ref`] ?? "").trim();
    const dob = String(f[`child${n}Dob`] ?? "").trim();
    const flags = list(String(f[`child${n}Flags`] ?? ""));
    const school = { name: String(f[`child${n}School`] ?? "").trim(), borough: String(f[`child${n}SchoolBorough`] ?? "").trim(), dslEmail: String(f[`child${n}SchoolDsl`] ?? "").trim() };
    const anySchool = !!(school.name || school.borough || school.dslEmail);
    if (!ref && !dob && flags.length === 0 && !anySchool) continue;
    if (!ref || !dob) {
      errors[`child${n}`] = `Child ${n}: enter both a reference (not the name) and a date of birth, or leave the row empty.`;
      continue;
    }
    // I-EDU / I-SN: the school's safeguarding lead is invited and its borough decides the school nursing team.
    if (anySchool && !(school.name && school.borough && school.dslEmail)) {
      errors[`child${n}`] = `Child ${n}'s school: give its name, its borough and the safeguarding lead's email, or leave all three empty (Education Welfare is invited instead).`;
      continue;
    }
    const role = z.enum(CHILD_ROLES).safeParse(String(f[`child${n}Role`] ?? "") || "other");
    if (!role.success) {
      errors.childRoles = `Child ${n}'s role: choose harmed, alleged to have harmed or other child.`;
      continue;
    }
    const flagObj = Object.fromEntries(CHILD_FLAGS.map((k) => [k, flags.includes(k)]));
    children.push({ ref, dob, ...flagObj, school: anySchool ? school : null });
    roles.push(role.data);
  }
  const household = list(form.household);
  const concerns = list(form.concerns);
  let missing: unknown = null;
  if (form.missingDate || form.missingTime) {
    const at = londonToInstant(form.missingDate, form.missingTime);
    if (!at) errors.missing = "Enter both the date and the time the child was reported missing.";
    else missing = { reportedAt: at.toISOString(), particularConcerns: form.missingConcerns === "true" };
  }
  const t = (v: string) => v.trim();
  let referrer: unknown = null;
  if (t(form.referrerName) || t(form.referrerEmail)) {
    if (!t(form.referrerName) || !t(form.referrerEmail)) errors.professionals = "Referrer: give both the name and the email, or neither.";
    else referrer = { name: t(form.referrerName), email: t(form.referrerEmail), professional: true };
  }
  const knownProfessionals: unknown[] = [];
  if (t(form.knownName) || t(form.knownEmail) || t(form.knownService)) {
    if (!t(form.knownName) || !t(form.knownEmail) || !t(form.knownService)) errors.professionals = "Professional already working with the family: give the name, the email and the service, or none.";
    else knownProfessionals.push({ name: t(form.knownName), email: t(form.knownEmail), service: t(form.knownService) });
  }
  if (Object.keys(errors).length > 0) return { roles, errors };
  return {
    errors,
    roles,
    referral: {
      receivedAt: receivedAt!.toISOString(),
      concerns,
      children,
      ...Object.fromEntries(HOUSEHOLD_FLAGS.map((k) => [k, household.includes(k)])),
      knownProfessionals,
      referrer,
      missing,
    },
  };
}

/** Maps the engine's field path (e.g. `children[0].dob`) to the place on the card where it is shown. */
function cardField(field: string | undefined): string | null {
  if (!field) return null;
  const child = /^children\[(\d+)\]/.exec(field);
  if (child) return `child${Number(child[1]) + 1}`;
  if (field === "children") return "child1";
  const head = field.split(/[.[]/)[0]!;
  if (["caseRef", "profile", "concerns", "receivedAt", "missing", "childRoles", "harmedChair", "harmerChair"].includes(head)) return head;
  if (head === "referrer" || head === "knownProfessionals") return "professionals";
  return null;
}

/** `openStrat` (Action.Execute, or Action.Submit fallback): validate, open, answer with the strat card. */
export function openStratAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const parsed = ZOpenStratData.safeParse(data);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? "form");
      return { card: formCard(ctx, cards, {}, {}, `The form arrived damaged (field ${field.slice(0, 40)}). Nothing was saved; please fill it in again.`) };
    }
    const form = parsed.data;
    const { referral, roles, errors } = toReferral(form);
    if (!referral) return { card: formCard(ctx, cards, form, errors, "Please correct the fields marked below. Nothing was saved.") };
    const input = {
      caseRef: form.caseRef,
      profileId: form.profile || ctx.defaultProfile,
      referral,
      requestId: form.requestId || randomUUID(),
      conversationId: turn.conversationId,
    };
    const again = "This card was already submitted; this is the strategy discussion it opened.";
    try {
      if (form.childOnChild === "yes") {
        // I-C2C: one strat per child, each with its own chair; one card showing both, each naming the other.
        const { strats, created } = await openChildOnChildStrats(ctx, turn.actor, input, { roles, harmedChair: form.harmedChair, harmerChair: form.harmerChair });
        const opened = strats.map((s) => openedCard(ctx, cards, s, created ? "" : again));
        return { card: { ...opened[0]!, body: opened.flatMap((c) => (Array.isArray(c.body) ? c.body : [])) } };
      }
      const { strat, created } = await openStrat(ctx, turn.actor, input);
      return { card: openedCard(ctx, cards, strat, created ? "" : again) };
    } catch (e) {
      if (isAppError(e) && e.code === "invalid_input") {
        const at = cardField(e.field);
        return {
          card: formCard(ctx, cards, form, at ? { [at]: e.userMessage } : {},
            at ? "Please correct the field marked below. Nothing was saved." : `${e.userMessage} Nothing was saved.`),
        };
      }
      throw e;
    }
  };
}
