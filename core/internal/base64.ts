/**
 * Base64 of Float32 vectors in little-endian byte order, written here so the core stays free of
 * `Buffer` (a Node API). Round trip is exact: the bytes are the IEEE-754 bits.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const LOOKUP = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i

const toBytesLE = (v: ArrayLike<number>): Uint8Array => {
  const bytes = new Uint8Array(v.length * 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true)
  return bytes
}

/** Encodes a vector's float32 values as base64 (little-endian). */
export const encodeFloat32 = (v: ArrayLike<number>): string => {
  const b = toBytesLE(v)
  let out = ""
  let i = 0
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!
  }
  const rest = b.length - i
  if (rest === 1) {
    const n = b[i]! << 16
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + "=="
  } else if (rest === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8)
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + "="
  }
  return out
}

/** Decodes base64 written by {@link encodeFloat32}; `undefined` when the text is not valid. */
export const decodeFloat32 = (s: string): Float32Array | undefined => {
  if (s.length % 4 !== 0) return undefined
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0
  const nBytes = (s.length / 4) * 3 - pad
  if (nBytes % 4 !== 0) return undefined
  const bytes = new Uint8Array(nBytes)
  let o = 0
  for (let i = 0; i < s.length; i += 4) {
    const c = [0, 1, 2, 3].map((j) => {
      const ch = s.charCodeAt(i + j)
      if (ch === 61 /* = */ && i + j >= s.length - pad) return 0
      return ch < 128 ? LOOKUP[ch]! : -1
    })
    if (c.some((x) => x < 0)) return undefined
    const n = (c[0]! << 18) | (c[1]! << 12) | (c[2]! << 6) | c[3]!
    if (o < nBytes) bytes[o++] = (n >> 16) & 255
    if (o < nBytes) bytes[o++] = (n >> 8) & 255
    if (o < nBytes) bytes[o++] = n & 255
  }
  const view = new DataView(bytes.buffer)
  const out = new Float32Array(nBytes / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}
