/**
 * SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, in plain JavaScript, for key fingerprints.
 * Not node:crypto: loading it (and node:stream, which it loads) costs a process ~4 ms, ~10 ms
 * under non-default V8 flags such as lk's heap flags, more than `lk auth token` spends on
 * everything else it does; a fingerprint hashes one short key. Checked against node:crypto.
 */

// The first 32 bits of the fractional parts of the square roots of the first 8 primes (initial
// hash) and of the cube roots of the first 64 primes (round constants), as the standard defines them.
const PRIMES: number[] = [];
for (let n = 2; PRIMES.length < 64; n++) if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n);
const frac32 = (x: number) => ((x - Math.floor(x)) * 2 ** 32) >>> 0;
const H0 = Uint32Array.from(PRIMES.slice(0, 8), (p) => frac32(Math.sqrt(p)));
const K = Uint32Array.from(PRIMES, (p) => frac32(Math.cbrt(p)));

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** The digest as eight 32-bit words (big-endian order: word 0 is the first 4 bytes). */
export function sha256Words(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'utf8');
  // The message, a 1 bit, zeros, and its length in bits as 64 bits: a multiple of 64 bytes.
  const size = Math.ceil((bytes.length + 9) / 64) * 64;
  const m = new Uint8Array(size);
  m.set(bytes);
  m[bytes.length] = 0x80;
  const view = new DataView(m.buffer);
  const bits = bytes.length * 8;
  view.setUint32(size - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(size - 4, bits >>> 0);
  const h = H0.slice();
  const w = new Uint32Array(64);
  for (let off = 0; off < size; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(off + 4 * t);
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      w[t] = w[t - 16]! + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + w[t - 7]! + (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
    for (let t = 0; t < 64; t++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    const round = [a, b, c, d, e, f, g, k];
    for (let i = 0; i < 8; i++) h[i] = h[i]! + round[i]!;
  }
  return h;
}

/** The digest in lower-case hex (64 digits), as node:crypto's `digest('hex')`. */
export function sha256Hex(text: string): string {
  let hex = '';
  for (const word of sha256Words(text)) hex += word.toString(16).padStart(8, '0');
  return hex;
}
