/**
 * What the host accepts from a call graph page (src/core/webviewChannel.ts runs these before any
 * handler sees a message). A page is not trusted: it names functions by the indices of the
 * profile the host sent it, and nothing else; a file, a line or any field the protocol does not
 * declare is refused, so the host never opens a path a page chose. Pure, to be unit-tested.
 */
import { bodyChecks, type ChannelChecks } from '../core/webviewChannel';
import type { CallGraphProtocol } from './protocol';

/** The profile the page was sent: its id, and how many functions it has. */
export interface ShownProfile {
  id: string;
  functions: number;
}

type Problem = string | undefined;

const EXPORT_FORMATS = ['dot', 'svg'] as const;

/** The checks of every page message, against the profile the host shows now (if any). */
export function callGraphPageChecks(shown: () => ShownProfile | undefined): ChannelChecks<CallGraphProtocol['page']> {
  const functionRef = (body: unknown): Problem =>
    bodyChecks.declaredFields(body, { profileId: 'required', function: 'required' }, (fields) => {
      const profile = shown();
      if (!profile) return 'no profile is shown';
      if (fields.profileId !== profile.id) return `profileId ${JSON.stringify(fields.profileId)} is not the shown profile's`;
      return functionIndex(fields.function, profile.functions, 'function');
    });
  return {
    notes: {
      rendered: (body) =>
        bodyChecks.declaredFields(
          body,
          {
            profileId: 'required',
            nodes: 'required',
            edges: 'required',
            hiddenText: 'required',
            hotPath: 'required',
            options: 'required',
            layoutMs: 'required',
            layoutIn: 'required',
            timings: 'optional',
          },
          (fields) => {
            const profile = shown();
            if (!profile) return 'no profile is shown';
            if (fields.profileId !== profile.id) return `profileId ${JSON.stringify(fields.profileId)} is not the shown profile's`;
            for (const name of ['nodes', 'edges'] as const) if (!isCount(fields[name])) return `${name} must be a count`;
            if (typeof fields.hiddenText !== 'string') return 'hiddenText must be text';
            if (!Array.isArray(fields.hotPath)) return 'hotPath must be a list of functions';
            for (const fn of fields.hotPath) {
              const problem = functionIndex(fn, profile.functions, 'hotPath');
              if (problem) return problem;
            }
            const options = optionsProblem(fields.options);
            if (options) return options;
            if (!isFiniteNonNegative(fields.layoutMs)) return 'layoutMs must be a duration';
            if (fields.layoutIn !== 'worker' && fields.layoutIn !== 'page') return 'layoutIn must be worker or page';
            if (fields.timings !== undefined && !isTimings(fields.timings)) return 'timings must map steps to milliseconds';
            return undefined;
          },
        ),
      openFunction: functionRef,
      showInCallTree: functionRef,
      saveGraph: (body) =>
        bodyChecks.declaredFields(body, { format: 'required' }, (fields) =>
          (EXPORT_FORMATS as readonly unknown[]).includes(fields.format) ? undefined : `format must be one of ${EXPORT_FORMATS.join(', ')}`,
        ),
      optionsChanged: (body) => bodyChecks.declaredFields(body, { options: 'required' }, (fields) => optionsProblem(fields.options)),
      error: (body) =>
        bodyChecks.declaredFields(body, { message: 'required', detail: 'optional' }, (fields) => {
          if (typeof fields.message !== 'string' || !fields.message) return 'message must be the reason, as text';
          return fields.detail === undefined || typeof fields.detail === 'string' ? undefined : 'detail must be text';
        }),
    },
    asks: {},
  };
}

function functionIndex(value: unknown, count: number, field: string): Problem {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < count
    ? undefined
    : `${field} must be a function's index, from 0 to ${count - 1}, not ${JSON.stringify(value)}`;
}

function optionsProblem(value: unknown): Problem {
  return bodyChecks.declaredFields(value, { nodeThreshold: 'required', edgeThreshold: 'required', maxNodes: 'required' }, (options) => {
    for (const name of ['nodeThreshold', 'edgeThreshold'] as const) {
      const share = options[name];
      if (!isFiniteNonNegative(share) || share > 1) return `options.${name} must be a share from 0 to 1`;
    }
    return isCount(options.maxNodes) ? undefined : 'options.maxNodes must be a count';
  });
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isFiniteNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isTimings(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((ms) => ms === undefined || typeof ms === 'number');
}
