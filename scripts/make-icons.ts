/**
 * Regenerates appPackage/color.png (192×192) and appPackage/outline.png (32×32, white on transparent).
 * Run: npx tsx scripts/make-icons.ts
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { drawColorIcon, drawOutlineIcon } from "../src/infra/teams-manifest/icons.js";
import { encodePng } from "../src/infra/teams-manifest/png.js";

const appPackageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "appPackage");
writeFileSync(path.join(appPackageDir, "color.png"), encodePng(drawColorIcon()));
writeFileSync(path.join(appPackageDir, "outline.png"), encodePng(drawOutlineIcon()));
console.log(`wrote ${path.join(appPackageDir, "color.png")} and outline.png`);
