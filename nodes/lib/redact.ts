// Secrets never reach a log line, a status, an error text or a message.

const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of each secret (and its URL-encoded form) with "[redacted]". */
export function redact(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/** An Error whose message has been redacted, keeping its `code` and `status`. */
export function redactError<E extends Error>(err: E, secrets: ReadonlyArray<string | undefined | null>): E {
  err.message = redact(err.message, secrets);
  if (err.stack) err.stack = redact(err.stack, secrets);
  return err;
}
