import type { Duplex } from "node:stream";

/** First byte of a TLS record carrying a handshake (ClientHello). */
const TLS_HANDSHAKE = 0x16;

/**
 * Hands a fresh connection to `tls` or `plain` by its first byte, so one port serves both http
 * and https (as LocalStack's 4566 does) and a proxy tunnel may carry either.
 */
export function sniffProtocol(
  socket: Duplex,
  handlers: { tls(socket: Duplex): void; plain(socket: Duplex): void },
): void {
  const onError = () => socket.destroy();
  socket.once("error", onError);
  socket.once("data", (chunk: Buffer) => {
    socket.pause();
    socket.unshift(chunk);
    socket.removeListener("error", onError);
    if (chunk[0] === TLS_HANDSHAKE) handlers.tls(socket);
    else handlers.plain(socket);
    process.nextTick(() => socket.resume());
  });
}
