// The example service: answers every request with the revision it runs.
import { createServer } from 'node:http';

const port = Number(process.env.APP_PORT || 18080);
const revision = process.env.BUNDLE_COMMIT || 'unknown';
const deployment = process.env.DEPLOYMENT_ID || 'unknown';

createServer((request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ ok: true, revision, deployment }) + '\n');
}).listen(port, '127.0.0.1', () => {
  console.log(`webapp ${deployment} listening on 127.0.0.1:${port}`);
});
