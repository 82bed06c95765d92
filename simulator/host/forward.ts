import http from "node:http";
import https from "node:https";

/**
 * A request listener that hands every request to a service running elsewhere (LocalStack in
 * place of the embedded AWS emulator), so the proxy's host-name routing works for it too.
 */
export function createForwarder(target: string): http.RequestListener {
  const base = new URL(target);
  const client = base.protocol === "https:" ? https : http;
  return (req, res) => {
    const upstream = client.request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: base.host },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`watermelon: ${target} did not answer: ${error.message}\n`);
    });
    req.pipe(upstream);
  };
}
