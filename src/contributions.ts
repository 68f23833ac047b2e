/**
 * The names the extension shares with package.json's `contributes`: view types, view ids and
 * command ids, each declared once. A folder that needs another folder's name (the call graph
 * opening the profile view or revealing a function in it, the Profiles panel's rows opening a
 * profile) takes it from here instead of importing that folder. test/unit/contributions.test.ts
 * holds these against package.json.
 */

/** The activity bar's container and the Profiles panel in it. */
export const VIEW_CONTAINER = 'requestProfiler';
export const PROFILES_VIEW = 'requestProfiler.profiles';

/** The custom editor of profile files (contributes.customEditors), src/profileView/. */
export const PROFILE_VIEW_TYPE = 'requestProfiler.profileView';
/** The call graph's webview panel (activationEvents onWebviewPanel, menus' webviewId), src/callGraph/. */
export const CALL_GRAPH_VIEW_TYPE = 'requestProfiler.callGraph';
/** The diff view's webview panel (two profiles compared), src/compareView/. */
export const COMPARE_VIEW_TYPE = 'requestProfiler.compare';
/** The Endpoints overview's webview panel, src/endpointsView/. */
export const ENDPOINTS_VIEW_TYPE = 'requestProfiler.endpoints';

/** Every command of contributes.commands, by what it does. */
export const COMMAND = {
  // The profile view (src/profileView/).
  expandHotPath: 'requestProfiler.expandHotPath',
  revealInCallTree: 'requestProfiler.revealInCallTree',
  // The Profiles panel (src/host/).
  refresh: 'requestProfiler.refresh',
  filter: 'requestProfiler.filter',
  clearFilter: 'requestProfiler.clearFilter',
  groupByEndpoint: 'requestProfiler.groupByEndpoint',
  groupByTime: 'requestProfiler.groupByTime',
  openProfile: 'requestProfiler.openProfile',
  openNewestProfile: 'requestProfiler.openNewestProfile',
  openAggregate: 'requestProfiler.openAggregate',
  deleteProfile: 'requestProfiler.deleteProfile',
  deleteAllProfiles: 'requestProfiler.deleteAllProfiles',
  revealProfile: 'requestProfiler.revealProfile',
  copyProfilePath: 'requestProfiler.copyProfilePath',
  chooseProfileDirectory: 'requestProfiler.chooseProfileDirectory',
  openReadme: 'requestProfiler.openReadme',
  // Set-up (src/setup/).
  setUp: 'requestProfiler.setUp',
  bundledPythonPath: 'requestProfiler.bundledPythonPath',
  // The call graph (src/callGraph/).
  openCallGraph: 'requestProfiler.openCallGraph',
  exportCallGraph: 'requestProfiler.exportCallGraph',
  openCallGraphNodeSource: 'requestProfiler.callGraph.openSource',
  showCallGraphNodeInCallTree: 'requestProfiler.callGraph.showInCallTree',
  // The diff view (src/compareView/).
  compareWith: 'requestProfiler.compareWith',
  // The Endpoints overview (src/endpointsView/).
  openEndpoints: 'requestProfiler.openEndpoints',
  compareWithAggregate: 'requestProfiler.compareWithAggregate',
} as const;
