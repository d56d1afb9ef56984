import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseDotenv } from "dotenv";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import {
  COMMANDS,
  MENU,
  SCOPES,
  manifestCommandLists,
  unlistedCommands,
} from "../../bot/commands/catalogue.js";
import {
  defaultContractsDir,
  missingVariablesMessage,
  prepareAppPackage,
  readManifestTemplate,
  zipAppPackage,
  type PrepareResult,
} from "../../src/infra/teams-manifest/app-package.js";
import { checkOutlineIcon, outlineStats } from "../../src/infra/teams-manifest/icon-checks.js";
import { drawColorIcon, drawOutlineIcon } from "../../src/infra/teams-manifest/icons.js";
import { fillPlaceholders, listPlaceholders } from "../../src/infra/teams-manifest/placeholders.js";
import { decodePng, encodePng, readPngInfo } from "../../src/infra/teams-manifest/png.js";
import {
  COMMAND_DESCRIPTION_MAX,
  COMMAND_TITLE_MAX,
  contractSchemaPath,
  validateWithAppManifestPackage,
  validateWithSchemaFile,
} from "../../src/infra/teams-manifest/validate.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const contractsDir = defaultContractsDir(repoRoot); // test/contracts/teams-manifest (the repo's copy)
const exampleVars = parseDotenv(readFileSync(path.join(repoRoot, "env", ".env.local.example")));
const appPackage = (f: string) => readFileSync(path.join(repoRoot, "appPackage", f));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let built: PrepareResult;
let manifest: Json;

beforeAll(async () => {
  built = await prepareAppPackage({
    repoRoot,
    vars: exampleVars,
    expectedCommandLists: manifestCommandLists(),
    contractsDir,
    requireContract: true,
  });
  manifest = built.manifest as Json;
});

describe("appPackage/manifest.json filled with env/.env.local.example", () => {
  it("uses the example's placeholder ids", () => {
    expect(exampleVars["TEAMS_APP_ID"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(exampleVars["BOT_ID"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(exampleVars["TAB_DOMAIN"]).toBeTruthy();
  });

  it("passes every package check (both schemas, limits, catalogue, icons)", () => {
    expect(built.missing).toEqual([]);
    expect(built.invalid).toEqual([]);
    expect(built.errors).toEqual([]);
    expect(built.warnings).toEqual([]);
    expect(built.checks.join("\n")).toMatch(/@microsoft\/app-manifest bundled v1\.22 schema: ok/);
    expect(built.checks.join("\n")).toMatch(/contract MicrosoftTeams\.v1\.22\.schema\.json: ok/);
  });

  it("is on manifest v1.22 or newer, and validates against the contract schema and the package's validator", async () => {
    expect(manifest["manifestVersion"]).toBe("1.22");
    expect(manifest["$schema"]).toBe("https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json");
    const contract = contractSchemaPath(contractsDir, "1.22");
    expect(contract, `missing ${contractsDir}/MicrosoftTeams.v1.22.schema.json`).toBeDefined();
    expect(validateWithSchemaFile(manifest, contract!).errors).toEqual([]);
    expect((await validateWithAppManifestPackage(manifest)).errors).toEqual([]);
  });

  it("would also validate as v1.30 (upgrade is a version bump)", () => {
    const v130 = {
      ...manifest,
      $schema: "https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json",
      manifestVersion: "1.30",
    };
    const contract = contractSchemaPath(contractsDir, "1.30");
    expect(contract).toBeDefined();
    expect(validateWithSchemaFile(v130, contract!).errors).toEqual([]);
  });

  it("the validators are not vacuous: a broken manifest fails both", async () => {
    const broken = structuredClone(manifest);
    broken["bots"][0]["botId"] = "not-a-guid";
    broken["staticTabs"][0]["colour"] = "red";
    delete broken["developer"]["privacyUrl"];
    const contract = validateWithSchemaFile(broken, contractSchemaPath(contractsDir, "1.22")!).errors.join("\n");
    expect(contract).toMatch(/botId/);
    expect(contract).toMatch(/colour/);
    expect(contract).toMatch(/privacyUrl/);
    expect((await validateWithAppManifestPackage(broken)).errors.length).toBeGreaterThanOrEqual(3);
  });

  it("leaves no placeholder unfilled", () => {
    expect(JSON.stringify(manifest)).not.toContain("${{");
    expect(listPlaceholders(readManifestTemplate(repoRoot)).sort()).toEqual(
      ["APP_NAME_SUFFIX", "BOT_ID", "TAB_DOMAIN", "TEAMS_APP_ID"].sort(),
    );
  });

  it("declares the app, tabs, SSO and permissions as specified", () => {
    const d = exampleVars["TAB_DOMAIN"]!;
    const bot = exampleVars["BOT_ID"]!;
    expect(manifest["id"]).toBe(exampleVars["TEAMS_APP_ID"]);
    expect(manifest["name"]).toEqual({
      short: `Strat${exampleVars["APP_NAME_SUFFIX"]}`,
      full: `Strategy discussions (children's social care)${exampleVars["APP_NAME_SUFFIX"]}`,
    });
    expect(manifest["developer"]).toEqual({
      name: "Council children's social care",
      websiteUrl: `https://${d}/about`,
      privacyUrl: `https://${d}/privacy`,
      termsOfUseUrl: `https://${d}/terms`,
    });
    expect(manifest["staticTabs"]).toEqual([
      expect.objectContaining({
        name: "Strategy discussions",
        contentUrl: `https://${d}/tab/`,
        websiteUrl: `https://${d}/tab/`,
        scopes: ["personal"],
      }),
    ]);
    expect(manifest["configurableTabs"]).toEqual([
      expect.objectContaining({ configurationUrl: `https://${d}/tab/config`, scopes: ["team", "groupChat"] }),
    ]);
    expect(manifest["validDomains"]).toContain(d);
    expect(manifest["webApplicationInfo"]).toEqual({ id: bot, resource: `api://${d}/${bot}` });
    expect(manifest["permissions"]).toEqual(["identity", "messageTeamMembers"]);
    // docs/graph.md: the record post's exactly-once retry reads the channel's messages (resource-specific consent,
    // granted when the app is added to a team; it needs webApplicationInfo.id, asserted above).
    expect(manifest["authorization"]).toEqual({
      permissions: { resourceSpecific: [{ name: "ChannelMessage.Read.Group", type: "Application" }] },
    });
    expect(manifest["bots"]).toHaveLength(1);
    expect(manifest["bots"][0]).toMatchObject({
      botId: bot,
      supportsFiles: false,
      isNotificationOnly: false,
      scopes: ["personal", "team", "groupChat"],
    });
  });
});

describe("bot command menu (commandLists) vs bot/commands/catalogue.ts", () => {
  const lists = () => manifest["bots"][0]["commandLists"] as { scopes: string[]; commands: { title: string; description: string }[] }[];

  it("the catalogue has the bot's 16 commands, each with a summary and an example", () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(
      [
        "help", "new", "invitees", "schedule", "status", "attendance", "decide", "plan", "action", "dissent",
        "close", "reconvene", "missing", "mine", "record", "preview",
      ].sort(),
    );
    for (const c of COMMANDS) {
      expect(c.summary.length, c.name).toBeGreaterThan(0);
      expect(c.example.split(" ")[0], c.name).toBe(c.name);
      expect(c.scopes.length, c.name).toBeGreaterThan(0);
    }
  });

  it("has one list per scope, each at most 10 commands, within the documented title/description limits", () => {
    expect(lists().map((l) => l.scopes)).toEqual([["personal"], ["team"], ["groupChat"]]);
    for (const l of lists()) {
      expect(l.commands.length).toBeLessThanOrEqual(10);
      for (const c of l.commands) {
        expect(c.title.length, c.title).toBeLessThanOrEqual(COMMAND_TITLE_MAX);
        expect(c.description.length, c.title).toBeLessThanOrEqual(COMMAND_DESCRIPTION_MAX);
      }
    }
  });

  it("every listed command is a bot command accepted in that scope, with the catalogue's summary", () => {
    for (const l of lists()) {
      const scope = l.scopes[0] as (typeof SCOPES)[number];
      for (const c of l.commands) {
        const known = COMMANDS.find((k) => k.name === c.title);
        expect(known, `${c.title} is not in COMMANDS`).toBeDefined();
        expect(known!.scopes, `${c.title} in ${scope}`).toContain(scope);
        expect(c.description.startsWith(known!.summary), c.title).toBe(true);
      }
    }
  });

  it("help is first in every list and names the commands left out of that menu", () => {
    for (const l of lists()) {
      const scope = l.scopes[0] as (typeof SCOPES)[number];
      expect(l.commands[0]!.title).toBe("help");
      const listed = new Set(l.commands.map((c) => c.title));
      for (const name of unlistedCommands(scope)) {
        expect(listed.has(name)).toBe(false);
        expect(l.commands[0]!.description, `${name} in ${scope} help`).toContain(name);
      }
      // everything accepted in the scope is reachable: in the menu or named by help
      const accepted = COMMANDS.filter((c) => c.scopes.includes(scope)).map((c) => c.name);
      expect([...listed, ...unlistedCommands(scope)].sort()).toEqual(accepted.sort());
      expect(MENU[scope]).toEqual(l.commands.map((c) => c.title));
    }
  });

  it("equals manifestCommandLists() exactly", () => {
    expect(lists()).toEqual(manifestCommandLists());
  });
});

describe("icons", () => {
  it("color.png is 192×192", () => {
    const info = readPngInfo(appPackage("color.png"));
    expect([info.width, info.height]).toEqual([192, 192]);
  });

  it("outline.png is 32×32 with a transparent background and a white glyph", () => {
    const png = appPackage("outline.png");
    const info = readPngInfo(png);
    expect([info.width, info.height]).toEqual([32, 32]);
    expect(info.hasAlphaChannel).toBe(true);
    const img = decodePng(png);
    const alphaAt = (x: number, y: number) => img.data[(y * 32 + x) * 4 + 3];
    for (const [x, y] of [[0, 0], [31, 0], [0, 31], [31, 31]] as const) expect(alphaAt(x, y)).toBe(0);
    const s = outlineStats(png);
    expect(s.transparentPixels).toBeGreaterThan(32 * 32 * 0.4);
    expect(s.opaqueOrPartialPixels).toBeGreaterThan(32);
    expect(s.nonWhitePixels).toBe(0);
    expect(checkOutlineIcon(png)).toEqual({ errors: [], warnings: [] });
  });

  it("the outline check rejects an opaque or coloured outline", () => {
    const opaque = drawOutlineIcon();
    for (let i = 3; i < opaque.data.length; i += 4) opaque.data[i] = 255;
    expect(checkOutlineIcon(encodePng(opaque)).errors.join("\n")).toMatch(/no transparent pixels/);
    const coloured = drawOutlineIcon();
    for (let i = 0; i < coloured.data.length; i += 4) if (coloured.data[i + 3]! > 0) coloured.data[i] = 0;
    expect(checkOutlineIcon(encodePng(coloured)).errors.join("\n")).toMatch(/not white/);
  });

  it("the committed PNGs are what scripts/make-icons.ts draws", () => {
    expect(Buffer.from(decodePng(appPackage("color.png")).data).equals(Buffer.from(drawColorIcon().data))).toBe(true);
    expect(Buffer.from(decodePng(appPackage("outline.png")).data).equals(Buffer.from(drawOutlineIcon().data))).toBe(true);
  });
});

describe("missing and malformed variables", () => {
  it("reports each missing variable by name", async () => {
    const { BOT_ID: _b, TAB_DOMAIN: _t, ...partial } = exampleVars;
    const r = await prepareAppPackage({ repoRoot, vars: partial, expectedCommandLists: manifestCommandLists() });
    expect([...r.missing].sort()).toEqual(["BOT_ID", "TAB_DOMAIN"]);
    expect(r.files).toEqual([]);
    const line = missingVariablesMessage(r.missing);
    expect(line).not.toContain("\n");
    expect(line).toContain("BOT_ID");
    expect(line).toContain("TAB_DOMAIN");
  });

  it("treats an empty value as missing, but APP_NAME_SUFFIX is optional", () => {
    const r = fillPlaceholders(readManifestTemplate(repoRoot), { ...exampleVars, TEAMS_APP_ID: "  ", APP_NAME_SUFFIX: undefined });
    expect(r.missing).toEqual(["TEAMS_APP_ID"]);
    expect((r.value as Json)["name"]["short"]).toBe("Strat");
  });

  it("rejects a URL where a host name is expected, and a non-GUID id", () => {
    const r = fillPlaceholders(readManifestTemplate(repoRoot), {
      ...exampleVars,
      TAB_DOMAIN: "https://strat.example.org/",
      BOT_ID: "bot",
    });
    expect(r.invalid.join("\n")).toMatch(/TAB_DOMAIN must be a host name/);
    expect(r.invalid.join("\n")).toMatch(/BOT_ID must be a GUID/);
  });
});

describe("npm run package (src/cli/package-app.ts)", () => {
  const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
  const cli = path.join(repoRoot, "src", "cli", "package-app.ts");
  const envName = "contracttest";
  const zipPath = path.join(repoRoot, "build", `appPackage.${envName}.zip`);
  const run = (env: Record<string, string>) =>
    spawnSync(tsx, [cli, "--env", envName, "--no-dotenv"], {
      cwd: repoRoot,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
      encoding: "utf8",
    });

  it("exits 2 with one stderr line naming each missing variable, and writes no zip", () => {
    rmSync(zipPath, { force: true });
    const r = run({ TEAMS_APP_ID: exampleVars["TEAMS_APP_ID"]! });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("BOT_ID");
    expect(lines[0]).toContain("TAB_DOMAIN");
    expect(lines[0]).not.toContain("TEAMS_APP_ID");
    expect(existsSync(zipPath)).toBe(false);
  });

  it("writes build/appPackage.<env>.zip with manifest.json and the icons at the zip root", async () => {
    rmSync(zipPath, { force: true });
    const r = run({
      TEAMS_APP_ID: exampleVars["TEAMS_APP_ID"]!,
      BOT_ID: exampleVars["BOT_ID"]!,
      TAB_DOMAIN: exampleVars["TAB_DOMAIN"]!,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    expect(Object.keys(zip.files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const m = JSON.parse(await zip.file("manifest.json")!.async("string")) as Json;
    expect(m["id"]).toBe(exampleVars["TEAMS_APP_ID"]);
    expect(m["name"]["short"]).toBe("Strat");
    const outline = await zip.file("outline.png")!.async("nodebuffer");
    expect(outline.equals(appPackage("outline.png"))).toBe(true);
    rmSync(zipPath, { force: true });
  });

  it("zips reproducibly", async () => {
    const a = await zipAppPackage(built.files);
    const b = await zipAppPackage(built.files);
    expect(a.equals(b)).toBe(true);
  });
});
