/**
 * The badge a profile file gets in the Profiles panel and the Explorer. VS Code shows at most
 * two characters of a file decoration's badge, so a status is shown by its class: "4x" for any
 * 4xx, "5x" for any 5xx (and for a request whose app raised, which the server answered with 500);
 * the exact status is in the tooltip. The old badge cut "404" to "40".
 */
import { visibleText } from './displayText';
import { answeredStatus, isFailure } from './profileFilter';
import type { ProfileHeader } from './profileFormat';

/** error: failed (5xx, or an exception); warning: client error (4xx); slow: over the slow-request setting. */
export type BadgeTone = 'error' | 'warning' | 'slow';

export interface StatusBadge {
  /** At most two characters. */
  badge: string;
  tooltip: string;
  tone: BadgeTone;
}

export function statusBadge(header: ProfileHeader, slowRequestMs: number): StatusBadge | undefined {
  const status = answeredStatus(header);
  const error = header.error ? visibleText(header.error) : undefined;
  if (isFailure(header)) {
    if (status !== null && status < 500) {
      // The status line had gone out when the app raised (while streaming its body).
      return { badge: '!', tooltip: `Failed: ${error} after status ${status}`, tone: 'error' };
    }
    const tooltip = header.status === null ? `Status 500: the app raised ${error}` : `Status ${status}${error ? `, the app raised ${error}` : ''}`;
    return { badge: `${Math.floor(status! / 100)}x`, tooltip, tone: 'error' };
  }
  if (status !== null && status >= 400) return { badge: `${Math.floor(status / 100)}x`, tooltip: `Status ${status}`, tone: 'warning' };
  if (header.wallMs >= slowRequestMs) return { badge: 'S', tooltip: `Slow: ≥ ${slowRequestMs} ms`, tone: 'slow' };
  return undefined;
}
