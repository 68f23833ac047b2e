/**
 * A sortable column's header button: its label, and an arrow for the direction when the table is
 * sorted by it. The tables' own code decides the cell around it and its aria-sort.
 */
import type { SortDirection } from '../../src/core/sortOrder';
import { codicon, element } from './dom';

/** The label, and the direction's arrow when sorted (null: not this column). */
export function sortLabel(label: string, sorted: SortDirection | null): (Node | string)[] {
  return sorted ? [label, ' ', codicon(sorted === 'ascending' ? 'arrow-up' : 'arrow-down')] : [label];
}

/** A header button that sorts by its column when clicked. */
export function sortButton(label: string, attributes: Record<string, string>, sorted: SortDirection | null, sortBy: () => void): HTMLButtonElement {
  const button = element('button', { type: 'button', ...attributes }, ...sortLabel(label, sorted));
  button.addEventListener('click', sortBy);
  return button;
}
