import { z } from "zod";

/** The two endpoint types the simulator delivers to: path segment → `endpointType`. */
export const ENDPOINT_TYPES = { "pager-duty": "PagerDuty", custom: "Custom" } as const;
export type EndpointPathType = keyof typeof ENDPOINT_TYPES;

const common = {
  title: z.string().min(1),
  description: z.string().optional(),
};

const PagerDutyRequest = z.object({
  ...common,
  serviceKey: z.string().min(1),
  // The Go client always serializes `method`, even for non-custom types.
  method: z.string().optional(),
});

const CustomRequest = z.object({
  ...common,
  url: z.url(),
  method: z.enum(["GET", "POST", "PUT"]),
  headers: z.string().optional(),
  bodyTemplate: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
});

export type PagerDutyEndpoint = {
  endpointType: "PagerDuty";
  id: number;
  accountId: number;
  title: string;
  description: string;
  serviceKey: string;
};
export type CustomEndpoint = {
  endpointType: "Custom";
  id: number;
  accountId: number;
  title: string;
  description: string;
  url: string;
  method: "GET" | "POST" | "PUT";
  headers: string;
  bodyTemplate: Record<string, unknown> | string;
};
export type Endpoint = PagerDutyEndpoint | CustomEndpoint;
/** An endpoint as a request describes it, before it has an id or an owner. */
export type EndpointDraft =
  | Omit<PagerDutyEndpoint, "id" | "accountId">
  | Omit<CustomEndpoint, "id" | "accountId">;

/** Validates a create/update body for `type`; the first problem as text. */
export function parseEndpointRequest(
  type: EndpointPathType,
  json: unknown,
): { ok: true; value: EndpointDraft } | { ok: false; message: string } {
  const schema = type === "pager-duty" ? PagerDutyRequest : CustomRequest;
  const parsed = schema.safeParse(json ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `Invalid [${issue?.path.join(".") ?? ""}]: ${issue?.message ?? "bad body"}`,
    };
  }
  const d = parsed.data;
  const description = d.description ?? "";
  if ("serviceKey" in d) {
    return {
      ok: true,
      value: { endpointType: "PagerDuty", title: d.title, description, serviceKey: d.serviceKey },
    };
  }
  const c = d as z.infer<typeof CustomRequest>;
  return {
    ok: true,
    value: {
      endpointType: "Custom",
      title: c.title,
      description,
      url: c.url,
      method: c.method,
      headers: c.headers ?? "",
      bodyTemplate: c.bodyTemplate ?? {},
    },
  };
}

/** The public shape (the fixtures'): the owner stays inside. */
export function endpointResponse(e: Endpoint): Omit<Endpoint, "accountId"> {
  const { accountId: _owner, ...rest } = e;
  return rest;
}

/** `"k=v,k2=v2"` → headers; a pair without `=` is ignored, values may contain `=`. */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}
