#!/usr/bin/env node
// UI test of the profile view, as a person would use it: code-server with the packaged .vsix
// opens a copy of the fixture workspace plus a copy of demo/app.py under src/ and a path
// mapping from where the fixtures' app ran to it. We open GET /slow from the Profiles panel,
// expect the hot path expanded and highlighted, move with the keyboard, go to source with
// Enter (the editor must open app.py at the function's line), search, look at the other tabs,
// and open the hostile-names profile, whose <script> name must show as text.
// Screenshots go to test-results/call-tree-*.png.
//
//   node test/ui/callTree.ui.mjs [--skip-build]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../runner/paths.mjs';
import { Expectation, expect } from '../runner/session.mjs';
import { runUiTest } from '../runner/uiTest.mjs';
import { fixtureDocument, fixtureProfileName, mapDemoSources } from '../runner/workspace.mjs';
import { waitForCursorLine } from '../runner/workbench.mjs';

const HOSTILE_NAME = '<script>alert(1)</script>';

/** The fixture's function records, to know which line each function is at. */
function fixtureFunctions(workspace, part) {
  return fixtureDocument(workspace, part).profile.functions;
}

/** A copy of GET /slow as if the app had run in a container from /srv/container: see writeMovedProfile. */
const MOVED_PATH = '/moved';
const MOVED_FILE_NAME = 'slow_views.py';

/**
 * Writes a copy of the GET /slow fixture whose app file was /srv/container/shop/slow_views.py
 * on the server, and puts that file outside the workspace (as a checkout elsewhere on disk), so
 * that no setting, relative path or workspace search finds it: go-to-source must offer to add a
 * path mapping.
 */
function writeMovedProfile(workspace, temp, recordedCwd) {
  const dir = join(workspace, '.profiles');
  const name = fixtureProfileName(workspace, '-GET-slow-');
  const serverDir = '/srv/container';
  const serverFile = `${serverDir}/shop/${MOVED_FILE_NAME}`;
  const localDir = join(temp, 'checkout');
  const localFile = join(localDir, 'shop', MOVED_FILE_NAME);
  mkdirSync(join(localDir, 'shop'), { recursive: true });
  copyFileSync(join(repoRoot, 'demo', 'app.py'), localFile);
  const text = readFileSync(join(dir, name), 'utf8')
    .replaceAll(JSON.stringify(`${recordedCwd}/demo/app.py`), JSON.stringify(serverFile))
    .replaceAll(`"cwd":${JSON.stringify(recordedCwd)}`, `"cwd":${JSON.stringify(serverDir)}`)
    .replaceAll('"path":"/slow"', `"path":${JSON.stringify(MOVED_PATH)}`)
    .replaceAll('-GET-slow-', '-GET-moved-');
  const profile = JSON.parse(text);
  expect(
    profile.profile.functions.some((f) => f.file === serverFile),
    `the moved profile records ${serverFile}`,
  );
  const isPrime = profile.profile.functions.find((f) => f.name === 'is_prime' && f.file === serverFile);
  expect(isPrime, 'the moved profile records is_prime');
  writeFileSync(join(dir, name.replace('-GET-slow-', '-GET-moved-')), text);
  return { serverDir, serverFile, localDir, localFile, isPrimeLine: isPrime.line };
}

await runUiTest({
  label: 'call tree UI',
  tempPrefix: 'rp-call-tree-ui-',
  logName: 'code-server-call-tree-ui.log',
  shotPrefix: 'call-tree',
  async prepare({ workspace, temp }) {
    const recordedDemoDir = mapDemoSources(workspace);
    const recordedCwd = fixtureDocument(workspace, '-GET-slow-').paths.cwd;
    const moved = writeMovedProfile(workspace, temp, recordedCwd);
    const slowFunctions = fixtureFunctions(workspace, '-GET-slow-');
    const primesBelow = slowFunctions.find((f) => f.name === 'primes_below');
    expect(primesBelow, 'the /slow fixture records primes_below');
    return { recordedDemoDir, moved, primesBelow };
  },
  beforeLoad(page, context) {
    context.dialogs = [];
    page.on('dialog', (dialog) => {
      context.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  },
  async steps({ page, workspace, phases, shot, recordedDemoDir, moved, primesBelow, dialogs }) {
    const profileRow = (label) =>
      page
        .locator('.part.sidebar .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: label }) })
        .first();
    await phases.time('open GET /slow from the Profiles panel', async () => {
      const entry = page.locator('.activitybar a[aria-label^="Request Profiler"]');
      await entry.waitFor({ timeout: 30_000 });
      await entry.click();
      const row = profileRow('GET /slow');
      await row.waitFor({ timeout: 30_000 });
      await row.click();
    });

    // The webview's content sits two iframes down; the active editor's webview is the visible one.
    const view = () => page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    const tree = () => view().locator('vscode-tab-panel[data-tab="tree"] .vlist');
    await phases.time('hot path expanded and highlighted', async () => {
      await tree().locator('.vrow.hot').first().waitFor({ timeout: 30_000 });
      const hotNames = (await tree().locator('.vrow.hot .name').allInnerTexts()).map((t) => t.trim());
      console.log(`[call tree UI] hot path: ${hotNames.join(' > ')}`);
      expect(
        hotNames.some((n) => n.includes('slow_report')) && hotNames.some((n) => n.includes('primes_below')),
        `hot path through slow_report and primes_below, got ${hotNames.join(' > ')}`,
      );
      const selected = (await tree().locator('.vrow.selected .name').innerText()).trim();
      expect(selected === hotNames[hotNames.length - 1], `the hot path's end (${hotNames.at(-1)}) is selected, not ${selected}`);
      const header = await view().locator('.profile-header').innerText();
      expect(/GET\s+\/slow\s+200/.test(header) && header.includes('Duration') && header.includes('not production time'), `header shows the request: ${header}`);
      await page.screenshot({ path: shot('hot-path') });
    });

    const selectedIndex = async () => Number(await tree().locator('.vrow.selected').getAttribute('data-index'));
    await phases.time('keyboard: Home, arrows, End, Left/Right', async () => {
      await tree().focus();
      await page.keyboard.press('Home');
      expect((await selectedIndex()) === 0, 'Home selects the first row');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      expect((await selectedIndex()) === 2, 'two ArrowDowns select the third row');
      await page.keyboard.press('ArrowUp');
      expect((await selectedIndex()) === 1, 'ArrowUp goes back one');
      await page.keyboard.press('End');
      const count = await tree().locator('.vrow:not([hidden])').count();
      expect((await selectedIndex()) >= count - 1 - 16, 'End selects the last row');
      await page.keyboard.press('Home');
      const before = await tree().locator('.vrow:not([hidden])').count();
      await page.keyboard.press('ArrowLeft');
      const collapsed = await tree().locator('.vrow:not([hidden])').count();
      expect(collapsed < before, `ArrowLeft on the expanded root collapses it (${before} → ${collapsed} rows)`);
      await page.keyboard.press('ArrowRight');
      expect((await tree().locator('.vrow:not([hidden])').count()) > collapsed, 'ArrowRight expands it again');
      await page.keyboard.press('h');
      await tree()
        .locator('.vrow.selected .name', { hasText: 'primes_below' })
        .waitFor({ timeout: 5_000 })
        .catch(async () => {
          const now = await tree().locator('.vrow.selected .name').innerText();
          // The hot path may end below primes_below (its list comprehension): it must pass through it.
          expect((await tree().locator('.vrow.hot .name', { hasText: 'primes_below' }).count()) > 0, `H expands the hot path again (selected ${now})`);
        });
    });

    await phases.time('go to source with Enter', async () => {
      const row = tree()
        .locator('.vrow', { has: page.locator('.name', { hasText: /^primes_below$/ }) })
        .first();
      await row.locator('.percent').click();
      await page.keyboard.press('Enter');
      const tab = page.locator('.part.editor .tab.active');
      await page
        .waitForFunction(() => document.querySelector('.part.editor .tab.active')?.getAttribute('aria-label')?.startsWith('app.py'), null, { timeout: 15_000 })
        .catch(async () => {
          throw new Expectation(`Enter on primes_below opened no app.py editor; active tab: ${await tab.getAttribute('aria-label')}`);
        });
      await waitForCursorLine(page, primesBelow.line, 'primes_below');
      // End-of-line decorations are CSS ::after content, not text nodes: read their computed content.
      await page
        .waitForFunction(
          () => [...document.querySelectorAll('.part.editor .view-lines span')].some((span) => /ms · \d/.test(getComputedStyle(span, '::after').content)),
          null,
          { timeout: 10_000 },
        )
        .catch(() => {
          throw new Expectation('no source hint (ms · %) at the end of a def line in app.py');
        });
      await page.screenshot({ path: shot('source') });
    });

    await phases.time('search reveals and highlights', async () => {
      await page.locator('.part.editor .tab', { hasText: 'slow' }).first().click();
      // The page was torn down while hidden (no retainContextWhenHidden): its saved state brings the selection back.
      await tree()
        .locator('.vrow.selected .name', { hasText: /^primes_below$/ })
        .waitFor({ timeout: 15_000 })
        .catch(async () => {
          throw new Expectation(
            `after the tab was hidden, the selection is ${await tree()
              .locator('.vrow.selected .name')
              .innerText()
              .catch(() => 'gone')}, not primes_below`,
          );
        });
      const search = view().locator('vscode-textfield.search input');
      await search.waitFor({ timeout: 15_000 });
      await search.fill('fibonacci');
      await tree().locator('.vrow.match .name', { hasText: 'fibonacci' }).first().waitFor({ timeout: 10_000 });
      const selected = (await tree().locator('.vrow.selected .name').innerText()).trim();
      expect(selected === 'fibonacci', `search selects the revealed match, got ${selected}`);
      const status = await view().locator('.search-status').innerText();
      expect(/^1 of \d+/.test(status.trim()), `the search status counts matches: ${status}`);
      await page.screenshot({ path: shot('search') });
    });

    await phases.time('reload the window: the view and its state come back', async () => {
      // VS Code's own reload shuts the window down properly (storage flushed), unlike a browser reload.
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Developer: Reload Window');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Developer: Reload Window' }).first().waitFor({ timeout: 10_000 });
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.keyboard.press('Enter')]);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await tree()
        .locator('.vrow.selected .name', { hasText: /^fibonacci$/ })
        .waitFor({ timeout: 30_000 })
        .catch(async () => {
          // Say what is there instead, so that a failure under load can be told from a lost state.
          const activeTab = await page
            .locator('.part.editor .tab.active')
            .first()
            .getAttribute('aria-label')
            .catch(() => 'none');
          const selected = await tree()
            .locator('.vrow.selected .name')
            .innerText({ timeout: 1000 })
            .catch(() => 'no selected row');
          const rows = await tree()
            .locator('.vrow')
            .count()
            .catch(() => 0);
          throw new Expectation(
            `after a reload the profile view is not back with fibonacci selected: active tab ${activeTab}, ${rows} rows drawn, selected ${selected}`,
          );
        });
      const query = await view().locator('vscode-textfield.search input').inputValue();
      expect(query === 'fibonacci', `the search box is restored after a reload, got "${query}"`);
    });

    await phases.time('Functions, Callers, Flame and Request tabs', async () => {
      // Rows are pooled elements updated in place: each drawn row must show its own function
      // (its name cell agrees with its tooltip), and a built-in one no go-to-source button;
      // also after a re-sort or an expansion, when pooled rows show other functions.
      const checkDrawnRows = async (list, where, atLeast) => {
        // The list draws once it has its size (a frame after the tab is shown).
        for (let i = 0; i < 50 && (await list.locator('.vrow:not([hidden])').count()) < atLeast; i++) await page.waitForTimeout(100);
        const rows = await list.locator('.vrow:not([hidden])').evaluateAll((elements) =>
          elements.map((row) => ({
            name: row.querySelector('.name')?.textContent ?? '',
            title: row.getAttribute('title') ?? '',
            file: row.querySelector('.where')?.textContent ?? '',
            button: Boolean(row.querySelector('.go-to-source:not([hidden])')),
          })),
        );
        expect(rows.length >= atLeast, `${where}: ${rows.length} rows drawn, expected at least ${atLeast}`);
        for (const row of rows) {
          // A built-in's tooltip is its raw cProfile label, which the name cell may shorten.
          expect(
            row.title.split('\n')[0] === row.name || row.file === 'built-in',
            `${where}: row "${row.name}" has the tooltip of another function: ${row.title}`,
          );
          if (row.file === 'built-in') expect(!row.button, `${where}: built-in ${row.name} offers go to source`);
        }
        return rows.map((row) => row.name);
      };
      await view().locator('vscode-tab-header', { hasText: 'Callers' }).click();
      await view().locator('.callers-title', { hasText: 'fibonacci' }).waitFor({ timeout: 10_000 });
      const callersList = view().locator('vscode-tab-panel[data-tab="callers"] .vlist');
      const callers = await checkDrawnRows(callersList, 'callers of fibonacci', 2);
      expect(
        callers.some((n) => n.includes('slow_report')),
        `fibonacci's callers include slow_report: ${callers.join(', ')}`,
      );
      await callersList
        .locator('.vrow', { has: page.locator('.name', { hasText: /^slow_report$/ }) })
        .locator('.twisty')
        .click();
      const expanded = await checkDrawnRows(callersList, 'callers with slow_report expanded', callers.length + 1);
      expect(
        expanded.some((n) => n.includes('demo_app')),
        `slow_report's callers include demo_app: ${expanded.join(', ')}`,
      );
      await view().locator('vscode-tab-header', { hasText: 'Functions' }).click();
      const functionsList = view().locator('vscode-tab-panel[data-tab="functions"] .vlist');
      await functionsList.locator('.vrow').first().waitFor({ timeout: 10_000 });
      await view().locator('.search').locator('input').fill(''); // the earlier search narrowed the table
      const byOwnTime = await checkDrawnRows(functionsList, 'functions sorted by own time', 6);
      const functionsHeader = view().locator('vscode-tab-panel[data-tab="functions"] .functions-columns');
      await functionsHeader.locator('button', { hasText: 'Function' }).click();
      await page.waitForTimeout(200);
      const byName = await checkDrawnRows(functionsList, 'functions sorted by name', 6);
      expect(byName.join() !== byOwnTime.join(), 'sorting by name redrew the rows in another order');
      expect(
        byName.join() === [...byName].sort((a, b) => a.localeCompare(b)).join() || byName.join() === [...byName].sort().join(),
        `sorted by name: ${byName.join(', ')}`,
      );
      await functionsHeader.locator('button', { hasText: 'Own' }).click();
      await page.waitForTimeout(200);
      await checkDrawnRows(functionsList, 'functions sorted by own time again', 6);
      // Selecting a function makes it the Callers tab's: every pooled row there shows another one.
      await functionsList.locator('.vrow', { has: page.locator('.name', { hasText: /^is_prime$/ }) }).click();
      await view().locator('vscode-tab-header', { hasText: 'Callers' }).click();
      await view().locator('.callers-title', { hasText: 'is_prime' }).waitFor({ timeout: 10_000 });
      const isPrimeCallers = await checkDrawnRows(callersList, 'callers of is_prime', 2);
      expect(isPrimeCallers[0] === 'is_prime', `the Callers tab starts at is_prime: ${isPrimeCallers.join(', ')}`);
      // The Flame tab of the same request: drawn from the call tree, is_prime under primes_below.
      await view().locator('vscode-tab-header', { hasText: 'Flame' }).click();
      const flameStatus = view().locator('.flame-status');
      await flameStatus.filter({ hasText: 'levels' }).waitFor({ timeout: 10_000 });
      expect((await flameStatus.innerText()).includes('from cProfile caller→callee pairs'), 'the flame graph says it is built from cProfile pairs');
      const flame = view().locator('.flame-viewport');
      const flameBox = await flame.boundingBox();
      // Row 0 is the whole request; hovering along a deeper row finds a frame with its numbers.
      await page.mouse.move(flameBox.x + flameBox.width * 0.2, flameBox.y + 3 * 18 + 9);
      await view().locator('.flame-tooltip.visible').waitFor({ timeout: 10_000 });
      expect(/Total .*\d/.test(await view().locator('.flame-tooltip').innerText()), 'hovering a frame shows its total time');
      await view().locator('vscode-tab-header', { hasText: 'Request' }).click();
      const request = await view().locator('.request-tab').innerText();
      expect(request.includes('Request headers') && request.includes('WSGI environ'), 'the Request tab shows headers and the environ');
      await view().locator('vscode-tab-header', { hasText: 'Call tree' }).click();
    });

    await phases.time('hostile names are text', async () => {
      await profileRow('/<b>bold</b>')
        .click()
        .catch(async () => {
          await profileRow('<b>').click();
        });
      await page.waitForTimeout(500);
      const frame = view();
      await frame.locator('.profile-header').waitFor({ timeout: 20_000 });
      await frame.locator('.search').locator('input').fill('script');
      const name = frame.locator('.vrow .name', { hasText: HOSTILE_NAME }).first();
      await name.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Expectation(`no row shows the name ${HOSTILE_NAME} as text`);
      });
      const shown = (await name.innerText()).trim();
      expect(shown.endsWith(HOSTILE_NAME), `the name is shown verbatim: ${shown}`);
      const injected = await frame.locator('body script:not([nonce]), .vrow img, .vrow b').count();
      expect(injected === 0, 'no element was created from a profile name');
      expect(dialogs.length === 0, `a dialog opened: ${dialogs.join(', ')}`);
      await page.screenshot({ path: shot('hostile') });
    });

    await phases.time('a broken file opened from Quick Open shows an error and opens raw', async () => {
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('broken-truncated.rprof.json');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'broken-truncated' }).first().waitFor({ timeout: 15_000 });
      await page.keyboard.press('Enter');
      const failure = view().locator('.failure');
      await failure.waitFor({ timeout: 20_000 }).catch(() => {
        throw new Expectation('the broken profile shows no error in the view');
      });
      const text = await failure.innerText();
      expect(/cannot be shown/.test(text) && /Truncated|corrupt/i.test(text), `the error says what is wrong: ${text}`);
      await page.screenshot({ path: shot('broken') });
      await failure.locator('vscode-button.open-raw').click();
      await page.waitForFunction(
        () => document.querySelector('.part.editor .tab.active')?.getAttribute('aria-label')?.startsWith('broken-truncated.rprof.json'),
        null,
        { timeout: 15_000 },
      );
      await page
        .locator('.part.editor .monaco-editor .view-lines')
        .first()
        .waitFor({ timeout: 15_000 })
        .catch(() => {
          throw new Expectation('"Open the raw file" opened no text editor');
        });
      // The text editor took the error page's place: one tab of that name, not two.
      await page
        .waitForFunction(
          () =>
            [...document.querySelectorAll('.part.editor .tab')].filter((tab) => tab.getAttribute('aria-label')?.startsWith('broken-truncated.rprof.json'))
              .length === 1,
          null,
          { timeout: 15_000 },
        )
        .catch(async () => {
          const labels = await page.locator('.part.editor .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label')));
          throw new Expectation(`"Open the raw file" left the error page open beside the text: ${JSON.stringify(labels)}`);
        });
    });

    await phases.time('no local file matches: Add Path Mapping… picks it, and the mapping is used next time', async () => {
      await profileRow(`GET ${MOVED_PATH}`).click();
      const hot = tree().locator('.vrow.hot .name', { hasText: /^primes_below$/ });
      await hot.waitFor({ timeout: 30_000 });
      await tree()
        .locator('.vrow', { has: page.locator('.name', { hasText: /^primes_below$/ }) })
        .first()
        .locator('.percent')
        .click();
      await page.keyboard.press('Enter');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'primes_below' }).last();
      const addMapping = toast.locator('.monaco-button', { hasText: 'Add Path Mapping' });
      await addMapping.waitFor({ timeout: 15_000 }).catch(async () => {
        throw new Expectation(
          `no "Add Path Mapping…" offer for a file found nowhere; notifications: ${JSON.stringify(await page.locator('.notifications-toasts .notification-toast').allInnerTexts())}`,
        );
      });
      const offer = (await toast.innerText()).trim();
      expect(offer.includes(moved.serverFile), `the warning names the recorded file: ${offer}`);
      await page.screenshot({ path: shot('add-mapping-offer') });
      await addMapping.click();
      // code-server's file dialog is VS Code's simple dialog: a quick input that takes a path.
      const pathInput = page.locator('.quick-input-widget input');
      await pathInput.waitFor({ timeout: 10_000 });
      // The dialog opens on the workspace folder and fills in its path by itself: typing before
      // it has listed that folder is overwritten. Then go to the file's folder and pick the file.
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '.profiles' }).waitFor({ timeout: 10_000 });
      await pathInput.fill(`${dirname(moved.localFile)}/`);
      const fileItem = page.locator('.quick-input-list .monaco-list-row', { hasText: MOVED_FILE_NAME });
      await fileItem.waitFor({ timeout: 10_000 }).catch(async () => {
        throw new Expectation(
          `the file dialog does not list ${MOVED_FILE_NAME} in ${dirname(moved.localFile)}: ${JSON.stringify(await page.locator('.quick-input-list .monaco-list-row').allInnerTexts())}`,
        );
      });
      await fileItem.click();
      await page
        .waitForFunction((name) => document.querySelector('.part.editor .tab.active')?.getAttribute('aria-label')?.startsWith(name), MOVED_FILE_NAME, {
          timeout: 15_000,
        })
        .catch(async () => {
          throw new Expectation(
            `choosing ${moved.localFile} opened no ${MOVED_FILE_NAME} editor; active tab: ${await page.locator('.part.editor .tab.active').getAttribute('aria-label')}`,
          );
        });
      await waitForCursorLine(page, primesBelow.line, 'primes_below');
      const settings = JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8'));
      const mappings = settings['requestProfiler.pathMappings'] ?? {};
      expect(mappings[moved.serverDir] === moved.localDir, `the workspace settings map ${moved.serverDir} to ${moved.localDir}: ${JSON.stringify(mappings)}`);
      expect(mappings[recordedDemoDir] === '${workspaceFolder}/src', `the mapping that was there is kept: ${JSON.stringify(mappings)}`);
      await page.screenshot({ path: shot('add-mapping-opened') });

      // Another function of the same file now opens through the new mapping, with no question.
      await page
        .locator('.part.editor .tab', { hasText: MOVED_PATH.slice(1) })
        .first()
        .click();
      const isPrime = tree()
        .locator('.vrow', { has: page.locator('.name', { hasText: /^is_prime$/ }) })
        .first();
      await isPrime.waitFor({ timeout: 15_000 });
      await isPrime.locator('.percent').click();
      await page.keyboard.press('Enter');
      await page
        .waitForFunction((name) => document.querySelector('.part.editor .tab.active')?.getAttribute('aria-label')?.startsWith(name), MOVED_FILE_NAME, {
          timeout: 15_000,
        })
        .catch(async () => {
          throw new Expectation(
            `with the mapping in place, Enter on is_prime opened no ${MOVED_FILE_NAME}; notifications: ${JSON.stringify(await page.locator('.notifications-toasts .notification-toast').allInnerTexts())}`,
          );
        });
      await waitForCursorLine(page, moved.isPrimeLine, 'is_prime');
    });
  },
});
