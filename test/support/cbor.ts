/** A value the test CBOR encoder can write: the subset WebAuthn structures use. */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | CborValue[]
  | Map<CborValue, CborValue>
  | { [key: string]: CborValue };

/**
 * Encodes a value as CBOR (RFC 8949) with shortest-form lengths and maps in insertion order,
 * so callers control key order (CTAP2 canonical order: shorter keys first, then bytewise).
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const out: number[] = [];
  write(out, value);
  return Uint8Array.from(out);
}

function write(out: number[], value: CborValue): void {
  if (value === null) {
    out.push(0xf6);
  } else if (value === false) {
    out.push(0xf4);
  } else if (value === true) {
    out.push(0xf5);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new TypeError(`CBOR: only integers are supported, got ${value}`);
    }
    writeInteger(out, BigInt(value));
  } else if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    writeHead(out, 3, BigInt(bytes.length));
    pushBytes(out, bytes);
  } else if (value instanceof Uint8Array) {
    writeHead(out, 2, BigInt(value.length));
    pushBytes(out, value);
  } else if (Array.isArray(value)) {
    writeHead(out, 4, BigInt(value.length));
    for (const item of value) write(out, item);
  } else {
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    writeHead(out, 5, BigInt(entries.length));
    for (const [key, item] of entries) {
      write(out, key);
      write(out, item);
    }
  }
}

function writeInteger(out: number[], n: bigint): void {
  if (n >= 0n) writeHead(out, 0, n);
  else writeHead(out, 1, -1n - n);
}

function writeHead(out: number[], major: number, length: bigint): void {
  const type = major << 5;
  if (length < 24n) out.push(type | Number(length));
  else if (length < 0x100n) out.push(type | 24, Number(length));
  else if (length < 0x10000n) out.push(type | 25, ...bigEndian(length, 2));
  else if (length < 0x100000000n) out.push(type | 26, ...bigEndian(length, 4));
  else out.push(type | 27, ...bigEndian(length, 8));
}

function bigEndian(n: bigint, size: number): number[] {
  const bytes: number[] = [];
  for (let i = size - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(8 * i)) & 0xffn));
  return bytes;
}

function pushBytes(out: number[], bytes: Uint8Array): void {
  for (const byte of bytes) out.push(byte);
}
