// A lesson's place in the URL, and a teacher's lesson carried whole inside a link. Pure: no DOM.
//
// `#lesson=micrograd-03-chain-rule&step=2` — a built-in lesson at its second step (steps count from 1).
// `#lesson-text=<deflate + base64url>&step=1` — a teacher's own lesson, the Markdown itself compressed
// into the link: nothing is stored on the server, and the hash never reaches it.

/** Longest link we hand out: well inside what every current browser opens (their limits are 64 K and up). */
export const MAX_SHARE_URL = 32_000;

const ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

/** @typedef {{id: string | null, packed: string | null, step: number}} LessonPlace  step 1-based */

/** The hash → the lesson it names (a built-in id or packed Markdown) and the step; null when none. */
export function decodeLessonHash(hash) {
  const params = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
  const id = params.get("lesson");
  const packed = params.get("lesson-text");
  const step = Number.parseInt(params.get("step") ?? "1", 10);
  const place = { id: null, packed: null, step: Number.isFinite(step) && step >= 1 ? step : 1 };
  if (id !== null && ID.test(id)) return { ...place, id };
  if (packed !== null && /^[A-Za-z0-9_-]+$/.test(packed)) return { ...place, packed };
  return null;
}

/** A place → its hash (with the `#`). */
export function encodeLessonHash({ id = null, packed = null, step = 1 }) {
  const params = new URLSearchParams();
  if (id !== null) params.set("lesson", id);
  else params.set("lesson-text", packed);
  params.set("step", String(Math.max(1, Math.trunc(step))));
  return `#${params.toString()}`;
}

/** Bytes → base64url (RFC 4648 §5, no padding). */
export function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** base64url → bytes; throws on characters outside the alphabet. */
export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function through(stream, bytes) {
  const piped = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

/** Markdown → deflate → base64url. */
export async function packLesson(markdown) {
  return toBase64Url(await through(new CompressionStream("deflate"), new TextEncoder().encode(markdown)));
}

/** Largest lesson a link may unpack to (the API takes 50,000 characters; UTF-8 may take 4 bytes each). */
const MAX_UNPACKED_BYTES = 200_000;

/** base64url → inflate → Markdown; throws when the text is not a packed lesson. */
export async function unpackLesson(packed) {
  const stream = new Blob([fromBase64Url(packed)]).stream().pipeThrough(new DecompressionStream("deflate"));
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_UNPACKED_BYTES) {
      await reader.cancel();
      throw new Error("the link's lesson is larger than a lesson may be");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/**
 * The link that carries a lesson: `{url, length}`, or `{url: null, length, limit}` when it would be
 * longer than MAX_SHARE_URL (the page says so instead of handing out a link that may not open).
 */
export async function shareLink(markdown, base) {
  const url = `${base}${encodeLessonHash({ packed: await packLesson(markdown), step: 1 })}`;
  if (url.length > MAX_SHARE_URL) return { url: null, length: url.length, limit: MAX_SHARE_URL };
  return { url, length: url.length, limit: MAX_SHARE_URL };
}
