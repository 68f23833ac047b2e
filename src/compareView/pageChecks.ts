/**
 * What the host accepts from a diff page (src/core/webviewChannel.ts runs these before any
 * handler sees a message). A page is not trusted: it names functions by their index in profile A
 * or B of the comparison the host sent, and nothing else; a file, a line or any field the
 * protocol does not declare is refused, so the host never opens a path a page chose. Pure.
 */
import { bodyChecks, type ChannelChecks } from '../core/webviewChannel';
import { COMPARE_MODES, COMPARE_SORT_KEYS, COMPARE_TABS, type CompareProtocol } from './protocol';

/** The comparison the page was sent: its id, and how many functions each profile has. */
export interface ShownComparison {
  id: string;
  functionsA: number;
  functionsB: number;
}

type Problem = string | undefined;

export function comparePageChecks(shown: () => ShownComparison | undefined): ChannelChecks<CompareProtocol['page']> {
  const sameComparison = (value: unknown): Problem => {
    const comparison = shown();
    if (!comparison) return 'no comparison is shown';
    return value === comparison.id ? undefined : `comparisonId ${JSON.stringify(value)} is not the shown comparison's`;
  };
  return {
    notes: {
      setMode: (body) => bodyChecks.declaredFields(body, { mode: 'required' }, (fields) => oneOf(fields.mode, COMPARE_MODES, 'mode')),
      rendered: (body) =>
        bodyChecks.declaredFields(
          body,
          {
            comparisonId: 'required',
            mode: 'required',
            sort: 'required',
            drawn: 'required',
            rows: 'required',
            firstFunction: 'required',
            tab: 'required',
            treeRows: 'required',
            treeSelected: 'required',
          },
          (fields) =>
            sameComparison(fields.comparisonId) ??
            oneOf(fields.mode, COMPARE_MODES, 'mode') ??
            oneOf(fields.sort, COMPARE_SORT_KEYS, 'sort') ??
            oneOf(fields.tab, COMPARE_TABS, 'tab') ??
            (isCount(fields.drawn) && isCount(fields.rows) && isCount(fields.treeRows) ? undefined : 'drawn, rows and treeRows must be counts') ??
            textOrNull(fields.firstFunction, 'firstFunction') ??
            textOrNull(fields.treeSelected, 'treeSelected'),
        ),
      openFunction: (body) =>
        bodyChecks.declaredFields(body, { comparisonId: 'required', side: 'required', function: 'required' }, (fields) => {
          const problem = sameComparison(fields.comparisonId) ?? oneOf(fields.side, ['a', 'b'], 'side');
          if (problem) return problem;
          const comparison = shown()!;
          const count = fields.side === 'a' ? comparison.functionsA : comparison.functionsB;
          const fn = fields.function;
          return Number.isInteger(fn) && (fn as number) >= 0 && (fn as number) < count
            ? undefined
            : `function must be an index of profile ${String(fields.side).toUpperCase()}'s functions, from 0 to ${count - 1}, not ${JSON.stringify(fn)}`;
        }),
      error: (body) =>
        bodyChecks.declaredFields(body, { message: 'required', detail: 'optional' }, (fields) => {
          if (typeof fields.message !== 'string' || !fields.message) return 'message must be the reason, as text';
          return fields.detail === undefined || typeof fields.detail === 'string' ? undefined : 'detail must be text';
        }),
    },
    asks: {},
  };
}

function oneOf(value: unknown, allowed: readonly string[], field: string): Problem {
  return allowed.includes(value as string) ? undefined : `${field} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`;
}

function textOrNull(value: unknown, field: string): Problem {
  return value === null || typeof value === 'string' ? undefined : `${field} must be text or null`;
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
