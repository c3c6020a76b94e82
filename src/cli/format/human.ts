// docker's human forms (go-units): sizes with three (or `precision`) significant digits in decimal units, ages as
// "2 hours ago", times as Go prints them.

export function humanSize(bytes: number, precision = 3): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(precision))}${units[unit]}`;
}

/** go-units' HumanDuration, as `docker images` shows CREATED. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(milliseconds / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(milliseconds / 3_600_000 / 24 / 365)} years`;
}

/** "2 hours ago", or "N/A" without a date (docker's form for a zero time is the same). */
export function createdSince(created: string | undefined, now = Date.now()): string {
  const time = created ? Date.parse(created) : NaN;
  return Number.isNaN(time) ? 'N/A' : `${humanDuration(now - time)} ago`;
}

/** Go's `time.Time.String()` in UTC: `2024-01-02 03:04:05 +0000 UTC`. */
export function goTime(created: string | undefined): string {
  const time = created ? new Date(created) : undefined;
  if (!time || Number.isNaN(time.getTime())) return '';
  return `${time.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} +0000 UTC`;
}

/** RFC 3339 without fractions, as `docker history --human=false` prints CREATED AT. */
export function rfc3339(created: string | undefined): string {
  const time = created ? new Date(created) : undefined;
  if (!time || Number.isNaN(time.getTime())) return '';
  return time.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** docker's Ellipsis: cut to `width` characters, the last one `…`. */
export function ellipsis(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/** docker's short ID: 12 hex digits without the algorithm. */
export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
