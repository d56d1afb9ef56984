import { decodePng, readPngInfo } from "./png.js";

/**
 * Teams icon rules (Learn, "App icons for Teams"): color.png 192×192; outline.png 32×32, white on a
 * transparent background. Returns problems as strings; empty means fine.
 */

export interface IconReport {
  errors: string[];
  warnings: string[];
}

/** A pixel is "white" if each channel is at least this; anti-aliased edges keep white RGB and vary alpha. */
const WHITE_MIN = 240;

export function checkColorIcon(png: Buffer, name = "color.png"): IconReport {
  const errors: string[] = [];
  try {
    const info = readPngInfo(png);
    if (info.width !== 192 || info.height !== 192) errors.push(`${name} is ${info.width}×${info.height}; Teams needs 192×192`);
  } catch (e) {
    errors.push(`${name}: ${(e as Error).message}`);
  }
  return { errors, warnings: [] };
}

export interface OutlineStats {
  transparentPixels: number;
  opaqueOrPartialPixels: number;
  nonWhitePixels: number;
}

export function outlineStats(png: Buffer): OutlineStats {
  const img = decodePng(png);
  let transparentPixels = 0, opaqueOrPartialPixels = 0, nonWhitePixels = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const [r, g, b, a] = [img.data[i * 4]!, img.data[i * 4 + 1]!, img.data[i * 4 + 2]!, img.data[i * 4 + 3]!];
    if (a === 0) {
      transparentPixels++;
      continue;
    }
    opaqueOrPartialPixels++;
    if (r < WHITE_MIN || g < WHITE_MIN || b < WHITE_MIN) nonWhitePixels++;
  }
  return { transparentPixels, opaqueOrPartialPixels, nonWhitePixels };
}

export function checkOutlineIcon(png: Buffer, name = "outline.png"): IconReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  try {
    const info = readPngInfo(png);
    if (info.width !== 32 || info.height !== 32) errors.push(`${name} is ${info.width}×${info.height}; Teams needs 32×32`);
    if (!info.hasAlphaChannel) {
      errors.push(`${name} has no transparency (no alpha channel or tRNS chunk); Teams needs a transparent background`);
      return { errors, warnings };
    }
    let stats: OutlineStats;
    try {
      stats = outlineStats(png);
    } catch (e) {
      warnings.push(`${name}: pixels not checked (${(e as Error).message})`);
      return { errors, warnings };
    }
    if (stats.transparentPixels === 0) errors.push(`${name} has no transparent pixels; the background must be transparent`);
    if (stats.opaqueOrPartialPixels === 0) errors.push(`${name} is fully transparent; it needs a white glyph`);
    if (stats.nonWhitePixels > 0) errors.push(`${name} has ${stats.nonWhitePixels} visible pixels that are not white`);
  } catch (e) {
    errors.push(`${name}: ${(e as Error).message}`);
  }
  return { errors, warnings };
}
