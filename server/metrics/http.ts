// The metrics endpoint: GET /metrics in the Prometheus text format, on metrics.listen. With a
// token (metrics.tokenFile), a scrape must send `Authorization: Bearer <token>` (Prometheus:
// `authorization: { credentials_file: ... }`); the token is compared in constant time and never
// logged.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../ports.ts';

export interface MetricsServerOptions {
  /** host:port (port 0: any free port). */
  listen: string;
  registry: Registry;
  /** Null: no token asked for. */
  token: string | null;
  logger: Logger;
}

export interface MetricsServer {
  /** host:port as bound (the real port). */
  readonly address: string;
  close(): Promise<void>;
}

const BEARER = /^bearer +(\S+) *$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether `host` (as written in metrics.listen) is a loopback address: safe without a token. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

export function splitHostPort(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon), port: Number(listen.slice(colon + 1)) };
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, logger } = options;
  const expected = options.token === null ? null : digest(options.token);
  const authorized = (request: IncomingMessage): boolean => {
    if (expected === null) return true;
    const match = BEARER.exec(request.headers.authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') return plain(response, 404, 'not found; the metrics are at /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return plain(response, 405, 'only GET and HEAD\n');
    }
    if (!authorized(request)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="homeplane metrics"');
      return plain(
        response,
        401,
        'missing or wrong token: send Authorization: Bearer <the token in metrics.tokenFile>\n',
      );
    }
    const body = await registry.metrics();
    response.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  const server = createServer((request, response) => {
    serve(request, response).catch((err: unknown) => {
      logger.error({ err: String(err) }, 'metrics scrape failed');
      if (!response.headersSent)
        plain(response, 500, 'collecting the metrics failed; the daemon log has the details\n');
      else response.destroy();
    });
  });
  // A scraper keeps its connection open between scrapes; nothing else needs to wait long.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  const { host, port } = splitHostPort(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`metrics cannot listen on ${options.listen}: ${err.message}`)));
    server.listen({ host: host.startsWith('[') ? host.slice(1, -1) : host, port }, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    address: `${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
