"""The example Symphony service: answers every request with its name."""
import http.server
import sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"symphony-package\n")

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
