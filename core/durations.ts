const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in a duration such as `90s`, `15m`, `1h` or `7d`. */
export function parseDuration(text: string, flag: string): number {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(text);
  if (!match) throw new Error(`${flag} must be a whole number followed by s, m, h or d (e.g. 1h), not "${text}"`);
  return Number(match[1]) * UNITS[match[2]];
}
