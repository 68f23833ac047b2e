/**
 * Which of two requests is A (the baseline) and how the diff view is titled. Pure, so the words
 * the user sees and the order are unit-tested without VS Code.
 */
import type { ProfileHeader } from '../core/profileFormat';

type Named = Pick<ProfileHeader, 'method' | 'path' | 'query'>;

/** "GET /users/7?page=2": the request as the Profiles panel names it. */
export function requestName(header: Named): string {
  return `${header.method} ${header.path}${header.query ? `?${header.query}` : ''}`;
}

/** The two in the order they are compared: the older request is A, the baseline. */
export function olderFirst<T extends { start: number }>(x: T, y: T): [T, T] {
  return y.start < x.start ? [y, x] : [x, y];
}

/** The editor tab: "GET /slow vs GET / (compare)", the request under study (B) first. */
export function compareTitle(a: Named, b: Named): string {
  return `${requestName(b)} vs ${requestName(a)} (compare)`;
}
