/**
 * An aggregate worker thread (bundled as dist/aggregateWorker.js; src/node/aggregateWorkers.ts
 * starts it): reads profile files, parses and checks them (the views' loader, one validation at
 * load) and sends each one's digest to the host, which merges. Parsing is most of an aggregate's
 * work, and here it runs on another core than the extension host's. The host may keep the
 * worker for its next merge.
 * No vscode here: a worker cannot load it.
 */
import { parentPort } from 'node:worker_threads';
import { ProfileDigester, digestBuffers } from '../core/profileDigest';
import type { DigestReply, DigestRequest } from './aggregateWorkerProtocol';
import { loadDocumentOrError } from './loadProfile';

const port = parentPort!;
let merge = -1;
let digester = new ProfileDigester();
let previous: Promise<void> = Promise.resolve();

port.on('message', (request: DigestRequest) => {
  const { index, file } = request;
  // Read at once (the host keeps a few in flight), digest in the order asked: the digester's
  // numbering and its first-known qualnames follow the merge's order.
  const read = loadDocumentOrError(file, request.limits);
  previous = previous.then(async () => {
    // A merge's first file: the host's numbering of this worker's functions starts anew.
    if (request.merge !== merge) {
      merge = request.merge;
      digester = new ProfileDigester();
    }
    const document = await read;
    if (document instanceof Error) {
      port.postMessage({ index, unreadable: document.message } satisfies DigestReply);
      return;
    }
    const digest = digester.digest(document);
    port.postMessage({ index, digest } satisfies DigestReply, digestBuffers(digest));
  });
});
