// Draws the app's icons as PNG files at build time (no image tools, no downloads): a white "H" on the brand blue.
// The "any" icon has rounded corners; the maskable one fills the whole square and keeps the letter inside the
// central 60 %, the safe zone a launcher never crops.
import { deflateSync } from 'node:zlib';

const BLUE = [0x0a, 0x56, 0xc2];
const WHITE = [0xff, 0xff, 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG of size×size whose pixels come from paint(x, y) → [r, g, b, a]. */
function png(size, paint) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    for (let x = 0; x < size; x++) raw.set(paint(x, y), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** True where the letter H lies, for coordinates scaled to 0..1 within the letter's box. */
const inH = (u, v) => u >= 0 && u <= 1 && v >= 0 && v <= 1 && (u < 0.28 || u > 0.72 || (v > 0.42 && v < 0.58));

function icon(size, { maskable }) {
  const box = maskable ? 0.36 : 0.5;
  const radius = maskable ? 0 : size * 0.18;
  return png(size, (x, y) => {
    const cx = x + 0.5,
      cy = y + 0.5;
    const dx = Math.max(radius - cx, cx - (size - radius), 0),
      dy = Math.max(radius - cy, cy - (size - radius), 0);
    if (radius && dx * dx + dy * dy > radius * radius) return [0, 0, 0, 0];
    const u = (cx / size - (1 - box) / 2) / box,
      v = (cy / size - (1 - box) / 2) / box;
    return [...(inH(u, v) ? WHITE : BLUE), 255];
  });
}

/** File name → PNG bytes, as listed in the manifest. */
export function appIcons() {
  return {
    'icon-192.png': icon(192, { maskable: false }),
    'icon-512.png': icon(512, { maskable: false }),
    'icon-maskable-512.png': icon(512, { maskable: true }),
    'apple-touch-icon.png': icon(180, { maskable: true }),
  };
}
