/**
 * The REST API's error answers for `/webhook_subscriptions`: every error shares one body,
 * `{"error":{"message","code","errors"}}` (developer-docs REST-API/14-Errors.md; reference
 * §2.1). The spec's webhook responses (`WebhookBadRequest`, `WebhookNotFound`) carry a
 * description only, so the codes are the table's: 2001 for bad input, 2100 for an unknown id.
 */

export interface RestErrorBody {
  error: { message: string; code: number; errors: string[] };
}

export interface RestError {
  status: number;
  body: RestErrorBody;
}

const error = (status: number, message: string, code: number, errors: string[]): RestError => ({
  status,
  body: { error: { message, code, errors } },
});

/** 400, every broken rule of the request at once, each naming its field. */
export const invalidInput = (errors: string[]) =>
  error(400, "Invalid Input Provided", 2001, errors);

/**
 * 404 for an id that names no subscription. PagerDuty's texts for this resource were not found;
 * the detail says which id was looked up.
 */
export const subscriptionNotFound = (id: string) =>
  error(404, "Not Found", 2100, [`No webhook subscription has the id ${JSON.stringify(id)}`]);

/** 404 for a path or method the webhook subscription routes do not serve. */
export const routeNotFound = (method: string, path: string) =>
  error(404, "Not Found", 2100, [`${method} ${path} is not a webhook subscription operation`]);
