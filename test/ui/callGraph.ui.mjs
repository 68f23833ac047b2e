#!/usr/bin/env node
// UI test of "Open Call Graph", as a person would use it: code-server with the packaged .vsix
// opens a copy of the fixture workspace plus a copy of the profiled app's source and a path
// mapping from where the app ran to that copy. We run the command from the palette (F1), pick
// GET /slow in the quick pick, expect the graph's SVG with the hot path drawn (nodes and edges
// classed "hot"), laid out in the worker under the panel's CSP with no CSP violation, click a
// node and expect the editor on that function's def line, beside the graph (which stays in
// view). Then T on a node shows it in the call tree. Screenshots go to test-results/call-graph-*.png.
//
//   node test/ui/callGraph.ui.mjs [--skip-build]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../runner/paths.mjs';
import { Expectation, expect } from '../runner/session.mjs';
import { runUiTest } from '../runner/uiTest.mjs';
import { fixtureDocument } from '../runner/workspace.mjs';
import { ACTIVE_GROUP_TAB, chooseMenuItem, waitForActiveTab, waitForCursorLine } from '../runner/workbench.mjs';

const COMMAND_TITLE = 'Request Profiler: Open Call Graph';
/** The function whose node we click: on the hot path of GET /slow, with a plain def line. */
const CLICKED = 'is_prime';
/** The function we open from the node's context menu: off the hot path, elsewhere in the file. */
const FROM_MENU = 'fibonacci';

await runUiTest({
  label: 'call graph UI',
  tempPrefix: 'rp-call-graph-ui-',
  logName: 'code-server-call-graph-ui.log',
  shotPrefix: 'call-graph',
  async prepare({ workspace }) {
    const slow = fixtureDocument(workspace, '-GET-slow-');
    const clicked = slow.profile.functions.find((f) => f.name === CLICKED);
    expect(clicked, `the /slow fixture records ${CLICKED}`);
    const fromMenu = slow.profile.functions.find((f) => f.name === FROM_MENU);
    expect(fromMenu && fromMenu.file === clicked.file, `the /slow fixture records ${FROM_MENU} in the same file as ${CLICKED}`);
    const serverRoot = slow.paths.cwd;
    const sourceInRepo = relative(serverRoot, clicked.file);
    expect(!sourceInRepo.startsWith('..'), `${clicked.file} is under the recorded cwd ${serverRoot}`);
    const localCopy = join(workspace, 'server', sourceInRepo);
    mkdirSync(dirname(localCopy), { recursive: true });
    copyFileSync(join(repoRoot, sourceInRepo), localCopy);
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'requestProfiler.pathMappings': { [serverRoot]: '${workspaceFolder}/server' } }, null, 2),
    );
    const defLine = readFileSync(localCopy, 'utf8').split('\n')[clicked.line - 1];
    expect(defLine?.includes(`def ${CLICKED}(`), `line ${clicked.line} of ${sourceInRepo} is not the def of ${CLICKED}: ${defLine}`);
    return { clicked, fromMenu };
  },
  beforeLoad(page, context) {
    context.cspViolations = [];
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy/i.test(text)) context.cspViolations.push(text);
    });
  },
  async steps({ page, workspace, phases, shot, clicked, fromMenu, cspViolations }) {
    // The Profiles panel's activity-bar entry appears once the extension's contributions are in.
    await page.locator('.activitybar a[aria-label^="Request Profiler"]').waitFor({ timeout: 30_000 });

    const quickInput = page.locator('.quick-input-widget');
    await phases.time('F1, Open Call Graph, pick GET /slow', async () => {
      await page.locator('.part.editor').click();
      await page.keyboard.press('F1');
      await quickInput.locator('input').waitFor({ timeout: 10_000 });
      await page.keyboard.type(COMMAND_TITLE);
      const commandRow = quickInput.locator('.monaco-list-row', { hasText: COMMAND_TITLE }).first();
      await commandRow.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Expectation(`the palette offers no "${COMMAND_TITLE}"`);
      });
      await page.keyboard.press('Enter');
      // The quick pick of recent requests, newest first.
      const slowRow = quickInput.locator('.monaco-list-row', { hasText: 'GET /slow' }).first();
      await slowRow.waitFor({ timeout: 15_000 }).catch(async () => {
        const rows = await quickInput.locator('.monaco-list-row').allInnerTexts();
        throw new Expectation(`the quick pick lists no "GET /slow": ${rows.join(' | ')}`);
      });
      await page.keyboard.type('GET /slow');
      await page.keyboard.press('Enter');
    });

    // The webview's content sits two iframes down.
    const view = () => page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    /** Waits for the page to draw what selector finds; else fails with `failure` and what the page's status line says. */
    const waitForDrawn = (selector, failure) =>
      view()
        .locator(selector)
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(async () => {
          const status = await view()
            .locator('.status')
            .innerText()
            .catch(() => '(no page)');
          throw new Expectation(`${failure}; its status says: ${status}`);
        });
    let hot = { nodes: 0, edges: 0 };
    await phases.time('the graph with its hot path', async () => {
      await waitForActiveTab(page, 'Call Graph: GET /slow', 'no "Call Graph: GET /slow" tab');
      await waitForDrawn('.viewport svg g.node', 'the call graph drew no node');
      const nodes = await view().locator('.viewport svg g.node').count();
      hot = { nodes: await view().locator('.viewport svg g.node.hot').count(), edges: await view().locator('.viewport svg g.edge.hot').count() };
      console.log(`[call graph UI] ${nodes} nodes drawn; hot path: ${hot.nodes} nodes, ${hot.edges} edges`);
      expect(hot.nodes >= 3 && hot.edges === hot.nodes - 1, `a hot path of nodes joined by hot edges (got ${hot.nodes} nodes, ${hot.edges} edges)`);
      const hotNames = await view()
        .locator('.viewport svg g.node.hot')
        .evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')?.split(',')[0]));
      expect(
        hotNames.some((n) => n?.includes('slow_report')) && hotNames.some((n) => n?.includes(CLICKED)),
        `the hot path runs through slow_report and ${CLICKED}: ${hotNames.join(' > ')}`,
      );
      const status = (await view().locator('.status').innerText()).trim();
      console.log(`[call graph UI] status: ${status}`);
      expect(/laid out in \d+ ms/.test(status), `the status says how long the layout took: ${status}`);
      expect(!status.includes('page thread'), `the layout ran in the worker, not on the page thread: ${status}`);
      await page.screenshot({ path: shot('hot-path') });
    });

    const graphTransform = () =>
      view()
        .locator('.viewport > svg')
        .evaluate((svg) => svg.style.transform);
    /** The zoom, and the graph point at the viewport's centre: what the user sees, whatever the editor's size. */
    const graphView = () =>
      view()
        .locator('.viewport > svg')
        .evaluate((svg) => {
          const [, x, y, scale] = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(svg.style.transform).map(Number);
          const viewport = svg.parentElement;
          return { scale, centreX: (viewport.clientWidth / 2 - x) / scale, centreY: (viewport.clientHeight / 2 - y) / scale, transform: svg.style.transform };
        });
    let zoomedView;
    await phases.time(`click ${CLICKED} and land on its def line`, async () => {
      // Zoom in first: the view must look the same when the user comes back from the source.
      const fitted = await graphTransform();
      await view().locator('.viewport').focus();
      await page.keyboard.press('+');
      zoomedView = await graphView();
      expect(zoomedView.transform !== fitted, `+ did not zoom the graph (${fitted})`);
      const node = view().locator(`.viewport svg g.node[aria-label^="${CLICKED},"]`).first();
      await node.waitFor({ timeout: 5_000 }).catch(async () => {
        const labels = await view()
          .locator('.viewport svg g.node')
          .evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
        throw new Expectation(`no node for ${CLICKED} among: ${labels.join(' | ')}`);
      });
      await node.locator('polygon').first().click();
      await waitForActiveTab(page, 'app.py', `clicking ${CLICKED} opened no app.py editor`);
      const activeTab = page.locator(ACTIVE_GROUP_TAB);
      const tabPath = await activeTab.getAttribute('title');
      console.log(`[call graph UI] opened ${tabPath ?? (await activeTab.getAttribute('aria-label'))}`);
      // The source opened beside the graph: the graph is still the tab shown in its own group.
      const graphStillShown = await page
        .locator('.part.editor .editor-group-container:not(.active) .tab.active')
        .evaluateAll((tabs) => tabs.some((tab) => tab.getAttribute('aria-label')?.startsWith('Call Graph: GET /slow')));
      expect(graphStillShown, 'the source covered the graph: no other editor group shows the Call Graph: GET /slow tab');
      await waitForCursorLine(page, clicked.line, CLICKED);
      await page.screenshot({ path: shot('source') });
    });

    await phases.time('back to the graph as it was; T on a node shows it in the call tree', async () => {
      await page.locator('.part.editor .tab', { hasText: 'Call Graph: GET /slow' }).first().click();
      const node = view().locator(`.viewport svg g.node[aria-label^="${CLICKED},"]`).first();
      await node.waitFor({ timeout: 30_000 });
      // The source opened beside the graph, so its editor is narrower now: the zoom and the point at
      // the centre of the view stay (panZoom.ts), not the raw translation.
      const back = await graphView();
      expect(
        back.scale === zoomedView.scale && Math.abs(back.centreX - zoomedView.centreX) < 1 && Math.abs(back.centreY - zoomedView.centreY) < 1,
        `the graph's zoom and pan were lost on the way back from the source: ${JSON.stringify(zoomedView)} became ${JSON.stringify(back)}`,
      );
      await node.focus();
      await page.keyboard.press('t');
      // The profile view is the profile file's custom editor: its tab is named for the file.
      await page
        .waitForFunction(
          () =>
            /-GET-slow-.*\.rprof\.json/.test(
              document.querySelector('.part.editor .editor-group-container.active .tab.active')?.getAttribute('aria-label') ?? '',
            ),
          null,
          { timeout: 15_000 },
        )
        .catch(async () => {
          throw new Expectation(
            `T opened no profile view; the active tab is ${await page.locator('.part.editor .editor-group-container.active .tab.active').getAttribute('aria-label')}`,
          );
        });
      const selected = view().locator('.vrow.selected .name');
      await page.waitForTimeout(300);
      await selected
        .first()
        .waitFor({ timeout: 15_000 })
        .catch(() => {
          throw new Expectation('the call tree selected no row');
        });
      const name = (await selected.first().innerText()).trim();
      expect(name.includes(CLICKED), `the call tree selected ${CLICKED}, not ${name}`);
      await page.screenshot({ path: shot('call-tree') });
    });

    const graphTab = () => page.locator('.part.editor .tab', { hasText: 'Call Graph: GET /slow' }).first();
    const editorAtLine = async (line, what) => {
      await page
        .waitForFunction(
          () => document.querySelector('.part.editor .editor-group-container.active .tab.active')?.getAttribute('aria-label')?.startsWith('app.py'),
          null,
          { timeout: 15_000 },
        )
        .catch(async () => {
          throw new Expectation(
            `${what} opened no app.py editor; the active tab is ${await page.locator('.part.editor .editor-group-container.active .tab.active').getAttribute('aria-label')}`,
          );
        });
      await waitForCursorLine(page, line, what);
    };

    await phases.time(`the node context menu opens ${FROM_MENU}'s source`, async () => {
      await graphTab().click();
      const node = view().locator(`.viewport svg g.node[aria-label^="${FROM_MENU},"]`).first();
      await node.waitFor({ timeout: 30_000 });
      // The right-click itself, as the browser delivers it to the node (a mouse click at the node's
      // box could land beside it while the graph settles after coming back to the front).
      await node.locator('polygon').first().dispatchEvent('contextmenu', { bubbles: true, cancelable: true, button: 2 });
      // VS Code draws a webview's context menu in the workbench, from the node's data-vscode-context.
      const menu = page.locator('.context-view .monaco-menu');
      await menu.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Expectation('right-clicking a node showed no context menu');
      });
      // The menu's box shows before its items are drawn.
      await menu
        .locator('.action-label', { hasText: 'Open Source' })
        .waitFor({ timeout: 10_000 })
        .catch(() => {});
      const items = (await menu.locator('.action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
      expect(
        items.includes('Open Source') && items.includes('Show in Call Tree'),
        `the node's context menu offers Open Source and Show in Call Tree: ${items.join(', ')}`,
      );
      await page.screenshot({ path: shot('context-menu') });
      await chooseMenuItem(page, menu.locator('.action-label', { hasText: 'Open Source' }));
      await editorAtLine(fromMenu.line, `Open Source on ${FROM_MENU}`);
    });

    await phases.time('after a reload the graph is restored', async () => {
      await graphTab().click();
      await view().locator('.viewport svg g.node').first().waitFor({ timeout: 30_000 });
      // As a user reloads: the command shuts the workbench down properly, saving its editors
      // (a bare page reload may not give it time to store them).
      const reloaded = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 30_000 });
      await page.keyboard.press('F1');
      await quickInput.locator('input').waitFor({ timeout: 10_000 });
      await page.keyboard.type('Developer: Reload Window');
      await quickInput.locator('.monaco-list-row', { hasText: 'Developer: Reload Window' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await reloaded;
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await graphTab()
        .waitFor({ timeout: 30_000 })
        .catch(() => {
          throw new Expectation('the call graph tab was not restored after a reload');
        });
      await graphTab().click();
      await waitForDrawn('.viewport svg g.node.hot', 'the restored call graph drew no hot path');
      await page.screenshot({ path: shot('restored') });
    });

    await phases.time('a dark theme redraws the graph in its colours', async () => {
      const edgeColours = () =>
        view()
          .locator('.viewport svg g.edge path')
          .evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke')).join(' '));
      const light = await edgeColours();
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
      writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': 'Default Dark Modern' }, null, 2));
      await view()
        .locator('body.vscode-dark')
        .waitFor({ timeout: 15_000 })
        .catch(() => {
          throw new Expectation('the webview did not switch to the dark theme');
        });
      let dark = light;
      for (let waited = 0; dark === light && waited < 15_000; waited += 250) {
        await page.waitForTimeout(250);
        dark = await edgeColours().catch(() => light);
      }
      expect(dark !== light, `the edges kept their light-theme colours: ${light}`);
      expect((await view().locator('.viewport svg g.node.hot').count()) === hot.nodes, 'the hot path is drawn in the dark theme too');
      await page.screenshot({ path: shot('dark') });
    });

    expect(cspViolations.length === 0, `Content Security Policy violations:\n  ${cspViolations.join('\n  ')}`);
    await phases.time('the CSP is enforced and its violations would be seen', async () => {
      // A canary: an inline style attribute, which the panel's style-src does not allow. It
      // proves both that the policy is strict and that this test hears violations at all.
      await graphTab().click();
      const body = view().locator('body');
      await body.waitFor({ timeout: 15_000 });
      await body.evaluate((element) => {
        const canary = document.createElement('div');
        canary.setAttribute('style', 'outline: 1px solid red');
        element.append(canary);
      });
      await page.waitForTimeout(500);
      expect(
        cspViolations.some((text) => /style-src/.test(text)),
        `the inline style canary raised no CSP violation; seen: ${cspViolations.join(' | ') || 'none'}`,
      );
    });

    await phases.time("the profile view's title bar opens the graph beside it", async () => {
      await page
        .locator('.part.editor .tab', { hasText: /-GET-slow-.*\.rprof\.json/ })
        .first()
        .click();
      const button = page.locator('.part.editor .editor-group-container.active .editor-actions .action-label[aria-label*="Open Call Graph"]').first();
      await button.waitFor({ timeout: 10_000 }).catch(async () => {
        const labels = await page
          .locator('.part.editor .action-label')
          .evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-label')} (${e.closest('.editor-group-container')?.className})`));
        throw new Expectation(`the profile view's title bar has no Open Call Graph button; title actions: ${labels.join(' | ')}`);
      });
      await button.click();
      await waitForActiveTab(page, 'Call Graph: GET /slow', 'the button did not bring up the graph', 10_000);
      const groups = await page.locator('.part.editor .editor-group-container').count();
      expect(groups === 2, `the graph moved beside the profile view (${groups} editor groups)`);
      await page.screenshot({ path: shot('beside-call-tree') });
    });
  },
});
