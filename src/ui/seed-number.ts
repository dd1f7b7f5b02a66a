// A seed as the page writes it: a plain decimal from 0 to MAX_SEED (shared by the link, the seed field and How often?'s first seed).

/** The engine's last seed (a 32-bit unsigned integer). */
export const MAX_SEED = 4_294_967_295;

/** A seed as typed, or null when it is not a whole number in 0..MAX_SEED. */
export function parseSeed(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return null;
  const seed = Number(trimmed);
  return seed <= MAX_SEED ? seed : null;
}
