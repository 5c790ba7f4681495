/**
 * A local stand-in for GitHub's REST API (deployments and their statuses):
 * a real HTTP server on 127.0.0.1 that records every request and answers as
 * the API does, or fails as told (an error status, a dropped connection, no
 * answer at all).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body; undefined when there was none. */
  body: Record<string, unknown> | undefined;
}

export interface Failure {
  /** Which requests fail: matched against `METHOD /path`. Default: every request. */
  match?: RegExp;
  /** Answer with this status and `{ message }`… */
  status?: number;
  message?: string;
  /** …append the request's authorization header to the message, as a careless proxy might… */
  echoAuthorization?: boolean;
  /** …or drop the connection without an answer, or never answer. */
  drop?: boolean;
  hang?: boolean;
  /** How many matching requests fail; default: all of them. */
  times?: number;
}

export interface FakeGithubApi {
  /** http://127.0.0.1:PORT — what GITHUB_API_URL points at. */
  url: string;
  requests: RecordedRequest[];
  /** Makes the matching requests fail from now on. */
  fail(failure: Failure): void;
  /** Forgets the recorded requests and the failures. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeGithubApi(): Promise<FakeGithubApi> {
  const requests: RecordedRequest[] = [];
  let failures: Failure[] = [];
  let nextId = 1000;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      };
      requests.push(recorded);
      const line = `${recorded.method} ${recorded.path}`;
      const failure = failures.find((f) => (f.match ?? /./).test(line) && (f.times ?? 1) > 0);
      if (failure) {
        if (failure.times !== undefined) failure.times--;
        if (failure.hang) return;
        if (failure.drop) return req.socket.destroy();
        const message =
          (failure.message ?? 'Server Error') +
          (failure.echoAuthorization ? ` (${String(req.headers.authorization)})` : '');
        return json(res, failure.status ?? 500, { message });
      }
      answer(recorded, res, () => nextId++);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function answer(req: RecordedRequest, res: http.ServerResponse, id: () => number): void {
    const base = `${url}${req.path}`;
    if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(req.path)) {
      const deploymentId = id();
      return json(res, 201, {
        id: deploymentId,
        url: `${base}/${deploymentId}`,
        statuses_url: `${base}/${deploymentId}/statuses`,
        sha: req.body?.ref,
        ref: req.body?.ref,
        task: 'deploy',
        payload: req.body?.payload ?? {},
        environment: req.body?.environment,
        description: req.body?.description ?? null,
        production_environment: req.body?.production_environment ?? false,
        transient_environment: req.body?.transient_environment ?? false,
        created_at: new Date().toISOString(),
      });
    }
    if (
      req.method === 'POST' &&
      /^\/repos\/[^/]+\/[^/]+\/deployments\/\d+\/statuses$/.test(req.path)
    ) {
      const statusId = id();
      return json(res, 201, {
        id: statusId,
        url: `${base}/${statusId}`,
        state: req.body?.state,
        description: req.body?.description ?? '',
        environment_url: req.body?.environment_url ?? '',
        log_url: req.body?.log_url ?? '',
        created_at: new Date().toISOString(),
      });
    }
    json(res, 404, { message: 'Not Found' });
  }

  return {
    url,
    requests,
    fail: (failure) => failures.push({ ...failure }),
    reset() {
      requests.length = 0;
      failures = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
