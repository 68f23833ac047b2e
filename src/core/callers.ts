/**
 * The bottom-up callers view: for a chosen function, who called it and how much of its time
 * came from each caller, expandable up to the roots.
 *
 * The first level is recorded exactly: cProfile's caller→callee edge holds the function's
 * cumulative time for calls from that caller. Further up it is apportioned: a caller C that
 * brought time t is split among C's own callers in proportion to their edges into C
 * (t × edge.ct / C.ct). Where recursion makes the edges into a function add up to more than
 * its cumulative time, they are scaled to fit, so a node's callers never hold more than it.
 * Self-calls are left out (they bring no time from outside); a caller already in the chain
 * is shown as a recursive leaf that never expands. Linear in the depth, as the call tree is
 * (treePaths.ts): a chain of callers can be 100,000 long.
 *
 * A sampled profile's callers come from its stacks instead (sampledFunctions.ts callerPaths):
 * each chain is measured on the stacks that had it above the function's outermost call, so
 * nothing is apportioned and cc = nc are samples.
 */
import type { SampledStack } from './profileFormat';
import type { ProfileModel } from './profileModel';
import { callerPaths, type CallerPath } from './sampledFunctions';
import { PathMarks, childNodeId, type PathNode } from './treePaths';

export interface CallerNode {
  /**
   * The chain of function indices from the chosen function up: "42" (it), "42/17" (its caller
   * 17)...; further up, where such ids would grow with the depth, the parent's number and the
   * caller ("~5120/17", see treePaths.ts).
   */
  readonly id: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly fn: number;
  /** Seconds of the chosen function's time that came through this chain of callers. */
  readonly time: number;
  /** time / the chosen function's cumulative time. */
  readonly shareOfTarget: number;
  /** time / the request's profiled time. */
  readonly fraction: number;
  /** Calls on the edge from this caller into the node below it (the function's own counts at the top). */
  readonly cc: number;
  readonly nc: number;
  /** True when no time had to be apportioned or scaled along the chain. */
  readonly exact: boolean;
  /** Already in the chain: a recursive call, shown but never expanded. */
  readonly recursive: boolean;
  readonly hasCallers: boolean;
}

const OVERLAP_TOLERANCE = 1e-9;

/** A node with its link up the chain, for ids and the chain's marks. */
interface Link extends PathNode {
  readonly id: string;
  readonly serial: number;
  readonly node: CallerNode;
  readonly parent: Link | null;
  /** Sampled profiles: the node's chain in the stacks. */
  readonly path?: CallerPath;
}

export class CallersTree {
  private readonly links = new Map<string, Link>();
  private readonly expanded = new Map<string, CallerNode[]>();
  /** The functions in the chain of the node being expanded. */
  private readonly marks: PathMarks;
  /** Seconds the fractions are of. */
  private readonly totalTime: number;

  /**
   * stacks: a sampled profile's stacks, to read the callers from (exact); totalTime then the
   * seconds shares of the request are of (all the stacks' time, as in the call tree).
   */
  constructor(
    readonly model: ProfileModel,
    readonly target: number,
    stacks?: readonly SampledStack[],
    totalTime = model.totalTime,
  ) {
    this.marks = new PathMarks(model.functions.length);
    this.totalTime = totalTime;
    if (stacks) {
      const path = callerPaths(stacks, target);
      this.addLink(null, this.pathNode(null, path), path);
      return;
    }
    const f = model.functions[target];
    this.addLink(null, {
      id: String(target),
      parentId: null,
      depth: 0,
      fn: target,
      time: f.ct,
      shareOfTarget: 1,
      fraction: totalTime > 0 ? f.ct / totalTime : 0,
      cc: f.cc,
      nc: f.nc,
      exact: true,
      recursive: false,
      hasCallers: this.outsideCallers(target).length > 0,
    });
  }

  /** The chosen function itself, at the top of the view. */
  root(): CallerNode {
    return this.links.get(String(this.target))!.node;
  }

  /** A node's callers, the biggest share first; [] for roots, recursive leaves and unknown ids. */
  callers(id: string): CallerNode[] {
    const known = this.expanded.get(id);
    if (known) return known;
    const link = this.link(id);
    if (!link || link.node.recursive) return [];
    if (link.path) {
      // Sorted already, as below.
      const result = link.path.children.map((path) => this.addLink(link, this.pathNode(link, path), path));
      this.expanded.set(id, result);
      return result;
    }
    const node = link.node;
    const chain = this.marks.pathOf(link);
    const edges = this.outsideCallers(node.fn);
    const info = this.model.functions[node.fn];
    let recorded = 0;
    for (const e of edges) recorded += this.model.edges[e].ct;
    const scaled = recorded > info.ct * (1 + OVERLAP_TOLERANCE);
    const denominator = scaled ? recorded : info.ct;
    // The top level is the edge's own record; above it, time is apportioned unless the node had one caller.
    const exact = node.exact && !scaled && (node.depth === 0 || edges.length === 1);
    const result = edges.map((e): CallerNode => {
      const edge = this.model.edges[e];
      const time = denominator > 0 ? (node.time * edge.ct) / denominator : 0;
      const recursive = chain[edge.caller] === 1;
      const caller: CallerNode = {
        id: childNodeId(link, edge.caller),
        parentId: link.id,
        depth: node.depth + 1,
        fn: edge.caller,
        time,
        shareOfTarget: this.root().time > 0 ? time / this.root().time : 0,
        fraction: this.totalTime > 0 ? time / this.totalTime : 0,
        cc: edge.cc,
        nc: edge.nc,
        exact: exact && !recursive,
        recursive,
        hasCallers: !recursive && this.outsideCallers(edge.caller).length > 0,
      };
      return this.addLink(link, caller);
    });
    result.sort((a, b) => b.time - a.time || a.fn - b.fn);
    this.expanded.set(id, result);
    return result;
  }

  /**
   * A node by id, computing the chain up to it if needed; undefined if no such chain exists.
   * Also takes a chain of any length spelt out ("42/17/3/..."), e.g. from a saved state.
   */
  node(id: string): CallerNode | undefined {
    return this.link(id)?.node;
  }

  private link(id: string): Link | undefined {
    const known = this.links.get(id);
    if (known) return known;
    if (!/^\d+(\/\d+)*$/.test(id)) return undefined;
    const parts = id.split('/').map(Number);
    if (parts[0] !== this.target) return undefined;
    let link = this.links.get(String(this.target));
    for (let i = 1; link && i < parts.length; i++) {
      this.callers(link.id);
      link = this.links.get(childNodeId(link, parts[i]));
    }
    return link;
  }

  private addLink(parent: Link | null, node: CallerNode, path?: CallerPath): CallerNode {
    this.links.set(node.id, { id: node.id, fn: node.fn, depth: node.depth, serial: this.links.size, node, parent, path });
    return node;
  }

  /** A sampled profile's node: a chain of callers as the stacks recorded it, measured. */
  private pathNode(parent: Link | null, path: CallerPath): CallerNode {
    const targetTime = parent ? this.root().time : path.time;
    return {
      id: childNodeId(parent, path.fn),
      parentId: parent ? parent.id : null,
      depth: parent ? parent.depth + 1 : 0,
      fn: path.fn,
      time: path.time,
      shareOfTarget: targetTime > 0 ? path.time / targetTime : 0,
      fraction: this.totalTime > 0 ? path.time / this.totalTime : 0,
      cc: path.samples,
      nc: path.samples,
      exact: true,
      recursive: false,
      hasCallers: path.children.length > 0,
    };
  }

  /** The rows on screen: the function, then the callers of every expanded node, depth first. */
  visibleRows(expanded: ReadonlySet<string>): CallerNode[] {
    const rows: CallerNode[] = [];
    const stack = [this.root()];
    while (stack.length) {
      const node = stack.pop()!;
      rows.push(node);
      if (expanded.has(node.id) && node.hasCallers) {
        const callers = this.callers(node.id);
        for (let i = callers.length - 1; i >= 0; i--) stack.push(callers[i]);
      }
    }
    return rows;
  }

  /** Edges into fn from other functions. */
  private outsideCallers(fn: number): number[] {
    return this.model.callersOf[fn].filter((e) => this.model.edges[e].caller !== fn);
  }
}
