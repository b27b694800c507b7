// Text shaping for the services: cut to a limit without splitting a character,
// escape for HTML bodies, encode for HTTP headers.

const ELLIPSIS = '…';

/** `text` cut to at most `max` characters (code points), ending in "…" when cut. */
export function cutText(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 0) return '';
  return chars.slice(0, max - 1).join('') + ELLIPSIS;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, ending in "…" when cut. */
export function cutBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const room = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let out = '';
  let size = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > room) break;
    out += ch;
    size += n;
  }
  return out + ELLIPSIS;
}

/** Length in code points, as the services count characters. */
export function charCount(text: string): number {
  return Array.from(text).length;
}

/** Escapes the three characters HTML parse modes care about (Telegram, Matrix). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A header value as ASCII: unchanged when it is, else an RFC 2047 UTF-8 encoded word. */
export function headerText(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(oneLine)) return oneLine;
  return `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

/** Title and message joined for services with a single text field. */
export function joinTitle(title: string, message: string): string {
  if (!title) return message;
  if (!message) return title;
  return `${title}\n${message}`;
}
