/**
 * Which profiles "Open Aggregate Profile" merges, from what it was run on in the Profiles
 * panel: an endpoint group, a burst, one row, or a multi-selection of any of these. VS Code
 * runs a context-menu command with the row clicked and the whole selection; the selection
 * counts only when the clicked row is part of it (else the click was on another row).
 */
import { endpointKey, type Burst, type EndpointGroup } from './profileGroups';
import type { ProfileEntry, ReadableEntry } from './profileIndex';

/** The panel's rows as far as this needs them (src/host/profilesTreeProvider.ts's ProfilesTreeNode). */
export type AggregateSource =
  | { kind: 'profile'; entry: ReadableEntry }
  | { kind: 'unreadable'; entry: ProfileEntry }
  | { kind: 'burst'; burst: Burst }
  | { kind: 'endpoint'; group: EndpointGroup };

export interface AggregateSelection {
  /** Each file once, in the order the rows gave them. */
  files: string[];
  /** The endpoint's pattern when all the readable profiles are of one endpoint ("/api/users/{id}"), for the header. */
  endpointPath?: string;
}

function entriesOf(source: AggregateSource): ProfileEntry[] {
  switch (source.kind) {
    case 'profile':
    case 'unreadable':
      return [source.entry];
    case 'burst':
      return source.burst.entries;
    case 'endpoint':
      return source.group.entries;
  }
}

/** The rows the command acts on: the selection when the clicked row is in it, else the clicked row. */
export function chosenSources<T>(clicked: T | undefined, selected: readonly T[] | undefined): T[] {
  if (selected?.length && (clicked === undefined || selected.includes(clicked))) return [...selected];
  return clicked === undefined ? [] : [clicked];
}

export function aggregateSelection(sources: readonly AggregateSource[]): AggregateSelection {
  const files: string[] = [];
  const seen = new Set<string>();
  const endpoints = new Set<string>();
  for (const source of sources) {
    for (const entry of entriesOf(source)) {
      if (seen.has(entry.file)) continue;
      seen.add(entry.file);
      files.push(entry.file);
      if (entry.header) endpoints.add(endpointKey(entry.header));
    }
  }
  const selection: AggregateSelection = { files };
  if (endpoints.size === 1) {
    const key = [...endpoints][0];
    selection.endpointPath = key.slice(key.indexOf(' ') + 1);
  }
  return selection;
}
