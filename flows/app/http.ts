/**
 * The error-on-demand app's HTTP API. JSON in and out; a bad body answers 400
 * `{ "error": "InvalidRequest", "message": "<field>: expected <what>, got <value>" }`.
 * Bodies are read as JSON whatever their content type, so `curl -d '{...}'` works as is.
 *
 *   GET  /health                     200 { status: "ok" }
 *   GET|POST /{service}/{route...}   a request to a simulated service: the service's active faults
 *                                    decide its answer (their status and { error, message,
 *                                    trace_id }), else 200 { service, route, trace_id }; logged
 *                                    like simulated traffic. X-Trace-Id carries the trace id.
 *                                    Unknown service: 404.
 *   POST /faults                     { service, status?=500, error?="InternalError", message?,
 *                                      errorRate?=1 (0..1), latencyMs?=0, durationMs?, burst? }
 *                                    -> 201 the fault { id, ..., startedAt, endsAt } (ISO on the
 *                                    simulator clock; endsAt null without durationMs). burst: N
 *                                    failing requests logged at once. A fault without durationMs
 *                                    lasts until deleted.
 *                                    { target: "webhooks", status?=503 | down: true, durationMs? }
 *                                    -> 201: POST /webhooks/pagerduty answers that status, or
 *                                    drops the connection, while it lasts.
 *   GET  /faults                     200 { faults: [...] }: the active ones.
 *   DELETE /faults/{id}              204; 404 when no active fault has that id.
 *   POST /webhooks/pagerduty         PagerDuty webhooks v3 ({ event: { event_type, resource_type,
 *                                    occurred_at, data } }); 401 when a secret is set and no
 *                                    X-PagerDuty-Signature v1= matches; 200 { received: true }.
 *   GET  /status                     200 { services: [{ service, status, incidents,
 *                                    latestStatusUpdate }] }: the status page.
 *   POST /support/reports            { customer, service, message? } -> 201 { id }.
 *   GET  /support/reports            200 { reports: [...] }.
 *
 * Example: curl -X POST localhost:8075/faults -H content-type:application/json \
 *            -d '{"service":"checkout","status":503,"durationMs":300000}'
 */
import express, { type NextFunction, type Request, type Response } from "express";
import type { z } from "zod";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import { defaultFaultMessage, type FaultBook, faultView } from "./faults.js";
import type { AppService } from "./options.js";
import type { RequestLogger } from "./requestLog.js";
import {
  describeIssue,
  serviceFaultSchema,
  supportReportSchema,
  webhookEnvelopeSchema,
  webhookFaultSchema,
} from "./schemas.js";
import type { StatusPage } from "./statusPage.js";
import type { SupportDesk } from "./supportDesk.js";
import { verifyPagerDutySignature } from "./webhookSignature.js";

export interface HttpContext {
  clock: Clock;
  journal: Journal;
  services: ReadonlyMap<string, AppService>;
  faults: FaultBook;
  logger: RequestLogger;
  statusPage: StatusPage;
  support: SupportDesk;
  /** The secret webhooks are signed with, read per request (it can be set after listening). */
  webhookSecret(): string | undefined;
  /** Draws of real requests. */
  requestsRng: Rng;
  /** Draws of bursts. */
  burstRng: Rng;
}

/** Largest body the app reads (a webhook is at most 256 KB; PagerDuty drops larger ones). */
const BODY_LIMIT = "1mb";

class BadRequest extends Error {}

const invalid = (res: Response, message: string) =>
  res.status(400).json({ error: "InvalidRequest", message });

function readJson(req: Request): unknown {
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString("utf8") : "";
  if (text.trim() === "") throw new BadRequest("body: expected a JSON object, got an empty body");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`body: expected JSON (${(error as Error).message})`);
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadRequest(`body: expected a JSON object, got ${JSON.stringify(body)}`);
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new BadRequest(describeIssue(result.error, body));
  return result.data;
}

export function createHttpHandler(ctx: HttpContext): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(express.raw({ type: () => true, limit: BODY_LIMIT }));

  const knownService = (name: string): AppService => {
    const service = ctx.services.get(name);
    if (service === undefined) {
      throw new BadRequest(
        `service: expected one of ${[...ctx.services.keys()].join(", ")}, got ${JSON.stringify(name)}`,
      );
    }
    return service;
  };

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.post("/faults", (req, res) => {
    const body = readJson(req);
    const target = (body as { target?: unknown } | null)?.target;
    if (target !== undefined) {
      if (target !== "webhooks") {
        throw new BadRequest(`target: expected "webhooks", got ${JSON.stringify(target)}`);
      }
      const input = parse(webhookFaultSchema, body);
      const fault = ctx.faults.startWebhookFault({
        down: input.down === true,
        ...(input.down === true ? {} : { status: input.status ?? 503 }),
        ...(input.durationMs === undefined ? {} : { durationMs: input.durationMs }),
      });
      res.status(201).json(faultView(fault));
      return;
    }
    const input = parse(serviceFaultSchema, body);
    const service = knownService(input.service);
    const { burst, ...fields } = input;
    const fault = ctx.faults.startServiceFault({
      service: service.name,
      status: fields.status,
      error: fields.error,
      errorRate: fields.errorRate,
      latencyMs: fields.latencyMs,
      ...(fields.message === undefined ? {} : { message: fields.message }),
      ...(fields.durationMs === undefined ? {} : { durationMs: fields.durationMs }),
    });
    if (burst !== undefined && burst > 0) {
      ctx.logger.burst(service, fault, burst, ctx.clock.now(), ctx.burstRng);
    }
    res.status(201).json({ ...faultView(fault), ...(burst === undefined ? {} : { burst }) });
  });

  app.get("/faults", (_req, res) => {
    res.json({ faults: ctx.faults.active().map(faultView) });
  });

  app.delete("/faults/:id", (req, res) => {
    if (!ctx.faults.end(req.params.id, "deleted")) {
      res.status(404).json({
        error: "NotFound",
        message: `id: no active fault ${JSON.stringify(req.params.id)}`,
      });
      return;
    }
    res.status(204).end();
  });

  app.post("/webhooks/pagerduty", (req, res) => {
    const fault = ctx.faults.webhookFault();
    if (fault?.down) {
      req.socket.destroy();
      return;
    }
    if (fault !== undefined) {
      const status = fault.status ?? 503;
      res.status(status).json({ error: "ReceiverFault", message: defaultFaultMessage(status) });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const secret = ctx.webhookSecret();
    if (
      secret !== undefined &&
      !verifyPagerDutySignature(raw, req.get("x-pagerduty-signature"), secret)
    ) {
      res.status(401).json({
        error: "Unauthorized",
        message:
          "X-PagerDuty-Signature: expected v1=<hex HMAC-SHA256 of the raw body> keyed by the webhook secret",
      });
      return;
    }
    const envelope = parse(webhookEnvelopeSchema, readJson(req));
    const effect = ctx.statusPage.receive(envelope.event);
    ctx.journal.append("app.webhook.received", {
      source: "app",
      correlation: {
        service: effect.service ?? "unknown",
        ...(effect.incidentId === null ? {} : { incident: effect.incidentId }),
      },
      data: { ...effect },
    });
    res.json({ received: true });
  });

  app.get("/status", (_req, res) => {
    res.json(ctx.statusPage.view());
  });

  app.post("/support/reports", (req, res) => {
    const input = parse(supportReportSchema, readJson(req));
    knownService(input.service);
    const report = ctx.support.report(input);
    res.status(201).json({ id: report.id });
  });

  app.get("/support/reports", (_req, res) => {
    res.json({ reports: ctx.support.list() });
  });

  const serveService = (req: Request, res: Response) => {
    const name = String(req.params.service);
    const service = ctx.services.get(name);
    if (service === undefined) {
      res.status(404).json({
        error: "NotFound",
        message: `service: no service ${JSON.stringify(name)}; expected one of ${[...ctx.services.keys()].join(", ")}`,
      });
      return;
    }
    const segments = (req.params as { route?: string[] }).route ?? [];
    const route = `/${segments.join("/")}`;
    const served = ctx.logger.serve(service, route, req.method, ctx.clock.now(), ctx.requestsRng);
    const { log } = served;
    res.setHeader("x-trace-id", log.trace_id);
    if (served.fault !== undefined) {
      res
        .status(log.status)
        .json({ error: log.error, message: log.message, trace_id: log.trace_id });
      return;
    }
    res.json({ service: service.name, route, trace_id: log.trace_id });
  };
  app.get("/:service{/*route}", serveService);
  app.post("/:service{/*route}", serveService);

  app.use((req, res) => {
    res.status(404).json({ error: "NotFound", message: `no route ${req.method} ${req.path}` });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof BadRequest) {
      invalid(res, error.message);
      return;
    }
    const status = (error as { status?: number }).status;
    if (status === 413) {
      res
        .status(413)
        .json({ error: "PayloadTooLarge", message: `body: expected at most ${BODY_LIMIT}` });
      return;
    }
    res.status(500).json({ error: "InternalError", message: String(error) });
  });

  return app;
}
