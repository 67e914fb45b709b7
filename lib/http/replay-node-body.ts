import { IncomingMessage } from 'node:http';
import { readBody } from './read-node-body';

/**
 * Reads a request's whole body (at most `limit` bytes, else `undefined`) and returns it with a stand-in
 * request that carries the same method, URL, headers and socket and yields the same bytes again, for the
 * next reader (Next's own request handler). Used to vet a small body before Next sees it.
 */
export async function readAndReplay(req: IncomingMessage, limit: number): Promise<{ body: Buffer; replay: IncomingMessage } | undefined> {
  const body = await readBody(req, limit);
  if (!body) return undefined;
  const replay = new IncomingMessage(req.socket);
  replay.method = req.method;
  replay.url = req.url;
  replay.httpVersion = req.httpVersion;
  replay.httpVersionMajor = req.httpVersionMajor;
  replay.httpVersionMinor = req.httpVersionMinor;
  replay.headers = req.headers;
  replay.rawHeaders = req.rawHeaders;
  replay.complete = true;
  if (body.length) replay.push(body);
  replay.push(null);
  return { body, replay };
}
