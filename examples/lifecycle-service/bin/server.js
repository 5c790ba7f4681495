// The lifecycle example's service: a tiny HTTP server with a /health page.
import { createServer } from 'node:http';

const port = Number(process.env.APP_PORT || 18082);
createServer((request, response) => {
  response.end(request.url === '/health' ? 'ok\n' : 'lifecycle-service\n');
}).listen(port, '127.0.0.1');
