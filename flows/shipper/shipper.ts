import { gzipLogRequest, type LogRequest, plainLogRequest } from "./bulk.js";
import type { ShipperSettings } from "./config.js";
import type { ShipperLogger } from "./logger.js";
import { dumps, type PyDict } from "./pyjson.js";
import { httpPost, type PostBulk, runtimeSleep, type Sleep, sendBulk } from "./send.js";

export interface ShipperIo {
  post?: PostBulk;
  sleep?: Sleep;
}

/** `LogzioShipper`: serialises each log, sends a bulk when full and what is left at flush. */
export class LogzioShipper {
  private readonly request: LogRequest;
  private readonly post: PostBulk;
  private readonly sleep: Sleep;

  constructor(
    settings: ShipperSettings,
    private readonly log: ShipperLogger,
    io: ShipperIo = {},
  ) {
    this.request = settings.compress ? gzipLogRequest() : plainLogRequest();
    this.post = io.post ?? httpPost(settings.url, settings.requestTimeoutSeconds);
    this.sleep = io.sleep ?? runtimeSleep;
  }

  async add(record: PyDict): Promise<void> {
    this.request.write(dumps(record));
    if (this.request.full()) await this.send();
  }

  async flush(): Promise<void> {
    if (this.request.pending()) await this.send();
  }

  private async send(): Promise<void> {
    const { request } = this;
    await sendBulk(
      this.post,
      request.body(),
      request.headers(),
      request.count,
      this.log,
      this.sleep,
    );
    request.reset();
  }
}
