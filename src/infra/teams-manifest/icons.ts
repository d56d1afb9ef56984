import type { RgbaImage } from "./png.js";

/**
 * The app icons, drawn from geometry so they can be regenerated (`npx tsx scripts/make-icons.ts`):
 * a shield with a tick — "safeguarding, checked". Teams wants color.png 192×192 (full colour) and
 * outline.png 32×32 (white on a transparent background).
 */

export const ACCENT_COLOR = "#2B5797";
export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [255, 255, 255];
const ACCENT: Rgb = [0x2b, 0x57, 0x97];

/** Shield in unit coordinates: flat top, straight sides, curving to a point at the bottom. */
function inShield(u: number, v: number, inset: number): boolean {
  const top = 0.12 + inset;
  const mid = 0.5;
  const bottom = 0.9 - inset * 1.8;
  const hw = 0.33 - inset;
  if (v < top || v > bottom || hw <= 0) return false;
  const dx = Math.abs(u - 0.5);
  if (v <= mid) return dx <= hw;
  const t = (v - mid) / (bottom - mid);
  return dx <= hw * (1 - t * t);
}

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

/** A tick (check mark) inside the shield. */
function inTick(u: number, v: number, thickness: number): boolean {
  const half = thickness / 2;
  return distToSegment(u, v, 0.36, 0.47, 0.46, 0.58) <= half || distToSegment(u, v, 0.46, 0.58, 0.65, 0.35) <= half;
}

/** Renders `paint(u, v)` → colour-with-alpha using 4×4 supersampling for smooth edges. */
function render(size: number, paint: (u: number, v: number) => { rgb: Rgb; a: number }): RgbaImage {
  const S = 4;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const p = paint((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
          r += p.rgb[0] * p.a;
          g += p.rgb[1] * p.a;
          b += p.rgb[2] * p.a;
          a += p.a;
        }
      }
      const i = (y * size + x) * 4;
      // Un-premultiply: colour is the coverage-weighted mean of the opaque samples.
      // Fully transparent pixels are stored as transparent white, so scaled-down copies get no dark fringe.
      data[i] = a > 0 ? Math.round(r / a) : 255;
      data[i + 1] = a > 0 ? Math.round(g / a) : 255;
      data[i + 2] = a > 0 ? Math.round(b / a) : 255;
      data[i + 3] = Math.round((a / (S * S)) * 255);
    }
  }
  return { width: size, height: size, data };
}

/** 192×192, opaque: accent background, white shield, accent tick. */
export function drawColorIcon(): RgbaImage {
  return render(COLOR_ICON_SIZE, (u, v) => {
    if (inShield(u, v, 0) && !inTick(u, v, 0.075)) return { rgb: WHITE, a: 1 };
    return { rgb: ACCENT, a: 1 };
  });
}

/** 32×32, white on transparent: shield outline and tick. */
export function drawOutlineIcon(): RgbaImage {
  return render(OUTLINE_ICON_SIZE, (u, v) => {
    const ring = inShield(u, v, 0) && !inShield(u, v, 0.075);
    return ring || inTick(u, v, 0.085) ? { rgb: WHITE, a: 1 } : { rgb: WHITE, a: 0 };
  });
}
