import type net from "node:net";
import type { PortName } from "./catalogue.js";

/** A port that could not be bound because another process holds it. */
export class PortInUseError extends Error {
  constructor(
    readonly portName: PortName,
    readonly port: number,
    readonly bindHost: string,
  ) {
    super(`port ${port} on ${bindHost} is in use`);
    this.name = "PortInUseError";
  }
}

/** A listening socket plus the connections it accepted, so close() never waits on keep-alive. */
export interface Listening {
  port: number;
  close(): Promise<void>;
}

export function listen(
  server: net.Server,
  portName: PortName,
  port: number,
  bindHost: string,
): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(portName, port, bindHost) : error);
    };
    server.once("error", onError);
    server.listen({ port, host: bindHost, exclusive: true }, () => {
      server.removeListener("error", onError);
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
