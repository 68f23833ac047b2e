/**
 * One channel between the extension host and a webview page, for every view: the protocol of a
 * view is declared once (what each side sends: notes, and asks that get an answer) and both ends
 * are typed by it, so that a handler table missing a message, or a message nobody handles, is a
 * compile error, not a message dropped at run time.
 *
 * - Ready handshake: the page says `ready` (with a new page id) each time its script starts, that
 *   is on every load and reload. The host end holds what it sends until then, and on each new
 *   `ready` answers pending asks of the old page with an error and tells its owner (onReady), who
 *   sends what the new page needs to show.
 * - Asks carry ids; the answer to an ask is matched by its id, never by its content, and an ask
 *   not answered in time fails with a message that names it.
 * - What arrives is checked before a handler sees it: the envelope always, and the body by the
 *   receiving side's checks (required for everything the host receives: a page is not trusted; it
 *   names things by the ids the host gave it, never by paths).
 *
 * Nothing here imports vscode or the DOM: the host wraps a Webview in a ChannelTransport, the page
 * wraps acquireVsCodeApi() and window's message events.
 */

/** What one side sends: notes (no answer) and asks (one answer each), by type. */
export interface ChannelSide {
  notes: Record<string, unknown>;
  asks: Record<string, { body: unknown; answer: unknown }>;
}

/** A view's protocol: what the host sends to its page, and what the page sends to the host. */
export interface ChannelProtocol {
  host: ChannelSide;
  page: ChannelSide;
}

/** A note of the page with its type, as the host's test hooks see it (and tests send it): { type, ...body }. */
export type PageNoteOf<P extends ChannelProtocol> = { [K in keyof P['page']['notes']]: { type: K } & P['page']['notes'][K] }[keyof P['page']['notes']];

/** The handlers of what a side receives: one per note and per ask, checked by the compiler. */
export interface ChannelHandlers<In extends ChannelSide> {
  notes: { [K in keyof In['notes']]: (body: In['notes'][K]) => void | Promise<void> };
  asks: { [K in keyof In['asks']]: (body: In['asks'][K]['body']) => In['asks'][K]['answer'] | Promise<In['asks'][K]['answer']> };
}

/**
 * Checks of what a side receives: for each type, undefined when the body is acceptable, else
 * what is wrong with it (the message is logged; the handler never sees the body).
 */
export interface ChannelChecks<In extends ChannelSide> {
  notes: { [K in keyof In['notes']]: (body: unknown) => string | undefined };
  asks: { [K in keyof In['asks']]: (body: unknown) => string | undefined };
}

/** The messages on the wire. `rp` marks them as this channel's (a page may receive others). */
export type ChannelMessage =
  | { rp: 1; kind: 'ready'; page: string }
  | { rp: 1; kind: 'note'; type: string; body: unknown }
  | { rp: 1; kind: 'ask'; id: number; type: string; body: unknown }
  | { rp: 1; kind: 'answer'; id: number; ok: true; body: unknown }
  | { rp: 1; kind: 'answer'; id: number; ok: false; error: string };

/** How an end reaches the other: post a message, and hear the other's. */
export interface ChannelTransport {
  post(message: ChannelMessage): void;
  /** Calls receive with every message that arrives, until the returned function is called. */
  listen(receive: (message: unknown) => void): () => void;
}

export interface ChannelOptions {
  /** How long an ask waits for its answer (default 60 s). */
  askTimeoutMs?: number;
  /** Where refused messages and failed handlers are reported (the host logs; the page shows). */
  report?(problem: string): void;
  /** Starts a timer, returning how to cancel it (default setTimeout; tests pass a manual clock). */
  startTimer?(callback: () => void, ms: number): () => void;
}

function startRealTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

const DEFAULT_ASK_TIMEOUT_MS = 60_000;

/** Why an ask failed: no answer in time, the page went away, or the other side's handler threw. */
export class ChannelError extends Error {}

interface PendingAsk {
  type: string;
  resolve(answer: unknown): void;
  reject(error: Error): void;
  cancelTimer(): void;
}

/** What both ends share: sending, asking, answering and checking. */
abstract class ChannelEnd<Out extends ChannelSide, In extends ChannelSide> {
  private nextAskId = 1;
  private readonly pending = new Map<number, PendingAsk>();
  private readonly stopListening: () => void;
  private disposed = false;

  protected constructor(
    protected readonly transport: ChannelTransport,
    private readonly handlers: ChannelHandlers<In>,
    private readonly checks: Partial<ChannelChecks<In>> | undefined,
    protected readonly options: ChannelOptions,
  ) {
    this.stopListening = transport.listen((message) => this.receive(message));
  }

  /** Sends a note (no answer). */
  note<K extends keyof Out['notes'] & string>(type: K, body: Out['notes'][K]): void {
    this.send({ rp: 1, kind: 'note', type, body });
  }

  /** Sends an ask and waits for its answer. */
  ask<K extends keyof Out['asks'] & string>(
    type: K,
    body: Out['asks'][K]['body'],
    timeoutMs = this.options.askTimeoutMs ?? DEFAULT_ASK_TIMEOUT_MS,
  ): Promise<Out['asks'][K]['answer']> {
    if (this.disposed) return Promise.reject(new ChannelError(`"${type}" was not asked: the view is closed`));
    const id = this.nextAskId++;
    return new Promise((resolve, reject) => {
      const cancelTimer = (this.options.startTimer ?? startRealTimer)(() => {
        this.pending.delete(id);
        reject(new ChannelError(`no answer to "${type}" within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { type, resolve: resolve as (answer: unknown) => void, reject, cancelTimer });
      this.send({ rp: 1, kind: 'ask', id, type, body });
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopListening();
    this.failPending('the view is closed');
  }

  /** How a message goes out: at once, or held until the other end is ready (the host's end). */
  protected abstract send(message: ChannelMessage): void;

  /** A ready message (only the host's end hears these). */
  protected abstract onReadyMessage(page: string): void;

  /** Fails every ask still waiting (the page went away or reloaded). */
  protected failPending(why: string): void {
    for (const [id, ask] of this.pending) {
      ask.cancelTimer();
      this.pending.delete(id);
      ask.reject(new ChannelError(`"${ask.type}" got no answer: ${why}`));
    }
  }

  private receive(message: unknown): void {
    if (this.disposed || !isChannelMessage(message)) return;
    switch (message.kind) {
      case 'ready':
        this.onReadyMessage(message.page);
        return;
      case 'answer': {
        const ask = this.pending.get(message.id);
        if (!ask) return; // answered late, after its timeout or a reload: nobody waits for it
        this.pending.delete(message.id);
        ask.cancelTimer();
        if (message.ok) ask.resolve(message.body);
        else ask.reject(new ChannelError(`"${ask.type}" failed: ${message.error}`));
        return;
      }
      case 'note':
        void this.handleNote(message.type, message.body);
        return;
      case 'ask':
        void this.handleAsk(message.id, message.type, message.body);
        return;
    }
  }

  private async handleNote(type: string, body: unknown): Promise<void> {
    const handler = ownHandler(this.handlers.notes as Record<string, (body: unknown) => void | Promise<void>>, type);
    if (!handler) return this.report(`a note "${type}" that nothing handles was refused`);
    const problem = this.problemWith('notes', type, body);
    if (problem !== undefined) return this.report(`a note "${type}" was refused: ${problem}`);
    try {
      await handler(body);
    } catch (error) {
      this.report(`handling the note "${type}" failed: ${(error as Error)?.stack ?? error}`);
    }
  }

  private async handleAsk(id: number, type: string, body: unknown): Promise<void> {
    const handler = ownHandler(this.handlers.asks as Record<string, (body: unknown) => unknown>, type);
    const problem = handler ? this.problemWith('asks', type, body) : `nothing answers "${type}"`;
    if (problem !== undefined) {
      this.report(`an ask "${type}" was refused: ${problem}`);
      this.send({ rp: 1, kind: 'answer', id, ok: false, error: problem });
      return;
    }
    try {
      const answer = await handler!(body);
      this.send({ rp: 1, kind: 'answer', id, ok: true, body: answer });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.report(`answering "${type}" failed: ${error instanceof Error ? (error.stack ?? text) : text}`);
      this.send({ rp: 1, kind: 'answer', id, ok: false, error: text });
    }
  }

  private problemWith(kind: 'notes' | 'asks', type: string, body: unknown): string | undefined {
    const checks = this.checks?.[kind] as Record<string, (body: unknown) => string | undefined> | undefined;
    const check = checks ? ownHandler(checks, type) : undefined;
    return check ? check(body) : undefined;
  }

  private report(problem: string): void {
    this.options.report?.(problem);
  }
}

/**
 * The host's end of a view's channel. What it sends before the page is ready (and while a page
 * reloads) is held and sent once it is; onReady runs on every ready, so that the owner sends a
 * new page what it needs (the profile to show) once per page.
 */
export class HostChannel<P extends ChannelProtocol> extends ChannelEnd<P['host'], P['page']> {
  private page: string | undefined;
  private held: ChannelMessage[] = [];

  constructor(
    transport: ChannelTransport,
    handlers: ChannelHandlers<P['page']>,
    /** Required: the host never trusts a page. */
    checks: ChannelChecks<P['page']>,
    private readonly onReady: (page: string) => void,
    options: ChannelOptions = {},
  ) {
    super(transport, handlers, checks, options);
  }

  /** The id of the page that said it is ready last; undefined until one has. */
  get pageId(): string | undefined {
    return this.page;
  }

  protected send(message: ChannelMessage): void {
    if (this.page === undefined) this.held.push(message);
    else this.transport.post(message);
  }

  protected onReadyMessage(page: string): void {
    if (this.page !== undefined) this.failPending('the page was loaded again');
    this.page = page;
    const held = this.held;
    this.held = [];
    for (const message of held) this.transport.post(message);
    this.onReady(page);
  }

  /** The page went away (its tab hidden, its panel disposed): hold messages for the next one. */
  pageGone(): void {
    if (this.page === undefined) return;
    this.page = undefined;
    this.failPending('the page went away');
  }
}

/** The page's end: says it is ready when made, then sends at once. */
export class PageChannel<P extends ChannelProtocol> extends ChannelEnd<P['page'], P['host']> {
  readonly pageId: string;

  constructor(
    transport: ChannelTransport,
    handlers: ChannelHandlers<P['host']>,
    options: ChannelOptions & { checks?: Partial<ChannelChecks<P['host']>>; pageId?: string } = {},
  ) {
    super(transport, handlers, options.checks, options);
    this.pageId = options.pageId ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    transport.post({ rp: 1, kind: 'ready', page: this.pageId });
  }

  protected send(message: ChannelMessage): void {
    this.transport.post(message);
  }

  protected onReadyMessage(): void {
    // A page never hears another page's ready.
  }
}

/** Whether a value is a well-formed message of this channel. */
export function isChannelMessage(value: unknown): value is ChannelMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.rp !== 1) return false;
  switch (m.kind) {
    case 'ready':
      return typeof m.page === 'string' && m.page.length > 0 && m.page.length <= 100;
    case 'note':
      return typeof m.type === 'string';
    case 'ask':
      return typeof m.type === 'string' && Number.isSafeInteger(m.id);
    case 'answer':
      return Number.isSafeInteger(m.id) && (m.ok === true || (m.ok === false && typeof m.error === 'string'));
    default:
      return false;
  }
}

/** A table's own entry for a type: "constructor" or "__proto__" from a page name nothing. */
function ownHandler<T>(table: Record<string, T>, type: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, type) ? table[type] : undefined;
}

/** Checks for the common shapes of what a page sends. */
export const bodyChecks = {
  /** An object with no fields (or none that matter). */
  none: (body: unknown): string | undefined => (body === undefined || (typeof body === 'object' && body !== null) ? undefined : 'expected no body'),
  /** An index the host gave (a function of the profile, a row...), below count. */
  index(body: unknown, field: string, count: number): string | undefined {
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    return Number.isInteger(value) && (value as number) >= 0 && (value as number) < count
      ? undefined
      : `${field} must be an index from 0 to ${count - 1}, not ${JSON.stringify(value)}`;
  },
  /**
   * An object with these fields and no others: a page that sends more than the protocol says (a
   * path beside the id the host gave) is refused, not half-believed.
   */
  onlyFields(body: unknown, fields: readonly string[]): string | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'expected an object';
    const unexpected = Object.keys(body).filter((key) => !fields.includes(key));
    return unexpected.length ? `unexpected ${unexpected.length === 1 ? 'field' : 'fields'} ${unexpected.join(', ')}` : undefined;
  },
  /**
   * An object with the required fields and no field the protocol does not declare, then the
   * caller's own check of those fields.
   */
  declaredFields(
    body: unknown,
    declared: Record<string, 'required' | 'optional'>,
    check: (fields: Record<string, unknown>) => string | undefined,
  ): string | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'expected an object';
    const fields = body as Record<string, unknown>;
    for (const name of Object.keys(fields)) {
      if (!Object.prototype.hasOwnProperty.call(declared, name)) return `unexpected field "${name}"`;
    }
    for (const [name, need] of Object.entries(declared)) {
      if (need === 'required' && fields[name] === undefined) return `missing field "${name}"`;
    }
    return check(fields);
  },
  /** One of these strings. */
  oneOf(body: unknown, field: string, values: readonly string[]): string | undefined {
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    return typeof value === 'string' && values.includes(value) ? undefined : `${field} must be one of ${values.join(', ')}, not ${JSON.stringify(value)}`;
  },
};
