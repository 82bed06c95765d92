/**
 * The REST API v2 calls a responder makes, as PagerDuty's clients send them: `Token token=`, the
 * version 2 Accept header, JSON bodies, and `From` naming the person acting.
 */
import type { CallOutcome, ResponderAction } from "./responderMachine.js";

export interface PagerDutyRestOptions {
  /** The REST API's base URL (`https://api.pagerduty.com` or the simulator's). */
  apiUrl: string;
  /** A REST API token. */
  token: string;
  fetch?: typeof fetch;
}

const ACCEPT = "application/vnd.pagerduty+json;version=2";

function request(action: ResponderAction, incidentId: string, message: string | undefined) {
  const id = encodeURIComponent(incidentId);
  switch (action) {
    case "acknowledge":
    case "resolve":
      return {
        method: "PUT",
        path: `/incidents/${id}`,
        body: {
          incident: {
            type: "incident_reference",
            status: action === "acknowledge" ? "acknowledged" : "resolved",
          },
        },
      };
    case "status_update":
      return { method: "POST", path: `/incidents/${id}/status_updates`, body: { message } };
  }
}

/**
 * Makes one call as `from` (the user's login email). Never throws: a refusal comes back with
 * its status and body, a failed connection as status 0 with the error's message.
 */
export async function callPagerDuty(
  rest: PagerDutyRestOptions,
  doFetch: typeof fetch,
  from: string,
  action: ResponderAction,
  incidentId: string,
  message?: string,
): Promise<CallOutcome> {
  const { method, path, body } = request(action, incidentId, message);
  try {
    const response = await doFetch(`${rest.apiUrl.replace(/\/+$/, "")}${path}`, {
      method,
      headers: {
        Authorization: `Token token=${rest.token}`,
        Accept: ACCEPT,
        "Content-Type": "application/json",
        From: from,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.ok) return { ok: true, status: response.status };
    return { ok: false, status: response.status, body: parseBody(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, status: 0, body: { error: reason } };
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
