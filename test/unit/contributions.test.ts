/** The ids of src/contributions.ts against package.json's contributes, which VS Code reads. */
import * as assert from 'node:assert/strict';
import manifest from '../../package.json';
import { CALL_GRAPH_VIEW_TYPE, COMMAND, COMPARE_VIEW_TYPE, PROFILE_VIEW_TYPE, PROFILES_VIEW, VIEW_CONTAINER } from '../../src/contributions';

interface MenuItem {
  command: string;
  when?: string;
}

const contributes = manifest.contributes;
const menuItems: MenuItem[] = Object.values(contributes.menus as Record<string, MenuItem[]>).flat();
const whenClauses = menuItems.map((item) => item.when).filter((when): when is string => when !== undefined);

/** The values a `when` clause compares this context key with, e.g. `view == x` or `webviewId == 'x'`. */
function comparedWith(key: string): string[] {
  const pattern = new RegExp(`\\b${key} == '?([\\w.]+)'?`, 'g');
  return whenClauses.flatMap((when) => [...when.matchAll(pattern)].map((match) => match[1]));
}

describe('contributions (ids shared with package.json)', () => {
  it('declares exactly the contributed commands', () => {
    const contributed = contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(Object.values(COMMAND).sort(), contributed);
  });

  it('menus name only declared commands', () => {
    const declared = new Set<string>(Object.values(COMMAND));
    for (const item of menuItems) assert.ok(declared.has(item.command), `menu item ${item.command} is not in COMMAND`);
  });

  it('the profile view type is the custom editor of profile files, as the menus name it', () => {
    assert.deepEqual(
      contributes.customEditors.map((e) => e.viewType),
      [PROFILE_VIEW_TYPE],
    );
    const named = comparedWith('activeCustomEditorId');
    assert.ok(named.length > 0);
    for (const viewType of named) assert.equal(viewType, PROFILE_VIEW_TYPE);
  });

  it('the call graph view type is the one that activates the extension and that the menus name', () => {
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${CALL_GRAPH_VIEW_TYPE}`));
    const named = [...comparedWith('webviewId'), ...comparedWith('activeWebviewPanelId')];
    assert.ok(named.length > 0);
    for (const viewType of named) assert.equal(viewType, CALL_GRAPH_VIEW_TYPE);
  });

  it('the diff view type activates the extension, so its serializer reopens it after a reload', () => {
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${COMPARE_VIEW_TYPE}`));
  });

  it('the Profiles panel is the one view of the activity bar container', () => {
    assert.deepEqual(
      contributes.viewsContainers.activitybar.map((c) => c.id),
      [VIEW_CONTAINER],
    );
    const views = contributes.views as Record<string, { id: string }[]>;
    assert.deepEqual(Object.keys(views), [VIEW_CONTAINER]);
    assert.deepEqual(
      views[VIEW_CONTAINER].map((v) => v.id),
      [PROFILES_VIEW],
    );
    assert.deepEqual(
      contributes.viewsWelcome.map((w) => w.view),
      [PROFILES_VIEW],
    );
    for (const view of comparedWith('view')) assert.equal(view, PROFILES_VIEW);
  });
});
