import { deflateSync, inflateSync } from "node:zlib";

/**
 * A minimal PNG writer (8-bit RGBA, no interlace) and reader (8-bit greyscale/RGB/grey+alpha/RGBA,
 * no interlace) — enough to generate and check the app icons without another dependency.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8Array;
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** Colour type 4 or 6, or a tRNS chunk present. */
  hasAlphaChannel: boolean;
}

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, "ascii");
  Buffer.from(body).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

export function encodePng(img: RgbaImage): Buffer {
  const { width, height, data } = img;
  if (data.length !== width * height * 4) throw new Error("encodePng: data length does not match width*height*4");
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    Buffer.from(data.buffer, data.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from(SIGNATURE),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

interface Chunk {
  type: string;
  body: Buffer;
}

function readChunks(buf: Buffer): Chunk[] {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(Buffer.from(SIGNATURE))) throw new Error("not a PNG file");
  const chunks: Chunk[] = [];
  let off = 8;
  while (off + 12 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("ascii", off + 4, off + 8);
    if (off + 12 + len > buf.length) throw new Error(`PNG chunk ${type} is truncated`);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (crc32(buf.subarray(off + 4, off + 8 + len)) !== buf.readUInt32BE(off + 8 + len)) {
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    }
    chunks.push({ type, body });
    off += 12 + len;
    if (type === "IEND") break;
  }
  if (chunks[0]?.type !== "IHDR") throw new Error("PNG has no IHDR chunk");
  return chunks;
}

/** Size and format from the header, without decoding pixels. */
export function readPngInfo(buf: Buffer): PngInfo {
  const chunks = readChunks(buf);
  const h = chunks[0]!.body;
  const colorType = h[9]!;
  return {
    width: h.readUInt32BE(0),
    height: h.readUInt32BE(4),
    bitDepth: h[8]!,
    colorType,
    interlace: h[12]!,
    hasAlphaChannel: colorType === 4 || colorType === 6 || chunks.some((c) => c.type === "tRNS"),
  };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decodes to RGBA. Supports bit depth 8, colour types 0, 2, 4, 6, no interlace (palette images are refused). */
export function decodePng(buf: Buffer): RgbaImage & { info: PngInfo } {
  const info = readPngInfo(buf);
  const channels = CHANNELS[info.colorType];
  if (info.bitDepth !== 8 || channels === undefined || info.interlace !== 0) {
    throw new Error(
      `decodePng supports 8-bit non-interlaced grey/RGB/RGBA only (got bit depth ${info.bitDepth}, colour type ${info.colorType}, interlace ${info.interlace})`,
    );
  }
  const idat = Buffer.concat(readChunks(buf).filter((c) => c.type === "IDAT").map((c) => c.body));
  const raw = inflateSync(idat);
  const { width, height } = info;
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw new Error("PNG image data is truncated");
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[row + x - channels]! : 0;
      const b = y > 0 ? px[row - stride + x]! : 0;
      const c = x >= channels && y > 0 ? px[row - stride + x - channels]! : 0;
      let pred: number;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`PNG row ${y} has unknown filter ${filter}`);
      }
      px[row + x] = (raw[src + x]! + pred) & 0xff;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const d = i * 4;
    if (channels <= 2) {
      data[d] = data[d + 1] = data[d + 2] = px[s]!;
      data[d + 3] = channels === 2 ? px[s + 1]! : 255;
    } else {
      data[d] = px[s]!;
      data[d + 1] = px[s + 1]!;
      data[d + 2] = px[s + 2]!;
      data[d + 3] = channels === 4 ? px[s + 3]! : 255;
    }
  }
  return { width, height, data, info };
}
