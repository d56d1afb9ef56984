/**
 * A link in the markdown that Teams messages and Adaptive Card TextBlocks render: only http(s) URLs, with
 * the characters that would end or break the markdown link percent-encoded. Anything else → null (no link).
 */
export function markdownUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return null;
  return u.href.replace(/[()<>[\]\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** `[text](url)` for a safe URL, or "" when there is none. `text` must not contain brackets. */
export function markdownLink(text: string, url: string | null | undefined): string {
  const safe = markdownUrl(url);
  return safe ? `[${text.replace(/[[\]]/g, "")}](${safe})` : "";
}
