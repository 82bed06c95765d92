import { AwsError, type ConstraintFailure, validationMessage } from "../protocol.js";

export { type ConstraintFailure, NULL_VALUE } from "../protocol.js";

import {
  MAX_ENVIRONMENT_BYTES,
  MAX_POLICY_BYTES,
  MAX_UNZIPPED_CODE_BYTES,
  MAX_ZIPPED_CODE_BYTES,
  RECOMMENDED_NODE_RUNTIME,
  SUPPORTED_RUNTIMES,
} from "./limits.js";

/**
 * One factory per Lambda error. Status codes and body members follow the Smithy model: modeled
 * errors carry `Type: "User"`; ResourceNotFoundException and ServiceException put their text in
 * `Message`, the others in `message`. Texts are AWS's where they are known (reference/aws-sim.md §3,
 * LocalStack's AWS-validated snapshots); the few that are not say so.
 */

const USER = { Type: "User" };

const resourceNotFound = (message: string) =>
  new AwsError("ResourceNotFoundException", message, 404, USER, "Message");

const resourceConflict = (message: string) =>
  new AwsError("ResourceConflictException", message, 409, USER);

const invalidParameterValue = (message: string) =>
  new AwsError("InvalidParameterValueException", message, 400, USER);

const preconditionFailed = (message: string) =>
  new AwsError("PreconditionFailedException", message, 412, USER);

// --- Functions -------------------------------------------------------------------------------

export const functionNotFound = (functionArn: string) =>
  resourceNotFound(`Function not found: ${functionArn}`);

export const functionAlreadyExists = (name: string) =>
  resourceConflict(`Function already exist: ${name}`);

export const functionNotReady = (state: string) =>
  resourceConflict(
    `The operation cannot be performed at this time. The function is currently in the following state: ${state}`,
  );

export const updateInProgress = (functionArn: string) =>
  resourceConflict(
    `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn}`,
  );

export const revisionMismatch = (api: "GetFunction/GetAlias" | "GetPolicy") =>
  preconditionFailed(
    `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
  );

export const qualifierMismatch = () =>
  invalidParameterValue(
    "The derived qualifier from the function name does not match the specified qualifier.",
  );

/** There are no layers here: every layer version a function names is unknown. */
export const layerNotFound = (layerVersionArn: string) =>
  invalidParameterValue(`Layer version ${layerVersionArn} does not exist.`);

export const latestCannotBeDeleted = () =>
  invalidParameterValue("$LATEST version cannot be deleted without deleting the function.");

export const unsupportedRuntime = (runtime: string) =>
  invalidParameterValue(
    `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(", ")}] or be a valid ARN`,
  );

export const deprecatedRuntime = (runtime: string) =>
  invalidParameterValue(
    `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${RECOMMENDED_NODE_RUNTIME}) while creating or updating functions.`,
  );

/** Not observed: AWS names the missing member in a validation error of its own wording. */
export const runtimeRequired = () =>
  invalidParameterValue("Runtime is required for Zip package type functions.");

/** Not observed; the zip-package rule as the API reference states it. */
export const handlerRequired = () =>
  invalidParameterValue("Handler is required for Zip package type functions.");

export const environmentTooLarge = (measured: string) =>
  invalidParameterValue(
    `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the ${MAX_ENVIRONMENT_BYTES / 1024}KB limit. String measured: ${measured}`,
  );

export const reservedEnvironmentKeys = (keys: string[]) =>
  invalidParameterValue(
    `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${keys.join(", ")}`,
  );

// --- Code --------------------------------------------------------------------------------------

export const codeSourceRequired = () =>
  invalidParameterValue("Please provide a source for function code.");

export const couldNotUnzip = () =>
  invalidParameterValue(
    "Could not unzip uploaded file. Please check your file, then try to upload again.",
  );

export const unzippedTooLarge = () =>
  invalidParameterValue(`Unzipped size must be smaller than ${MAX_UNZIPPED_CODE_BYTES} bytes`);

export const zippedTooLarge = () =>
  new AwsError(
    "RequestEntityTooLargeException",
    `Zipped size must be smaller than ${MAX_ZIPPED_CODE_BYTES} bytes`,
    413,
    USER,
  );

export const requestTooLargeForOperation = (limit: number, operation: string) =>
  new AwsError(
    "RequestEntityTooLargeException",
    `Request must be smaller than ${limit} bytes for the ${operation} operation`,
    413,
    USER,
  );

/** There is no S3 here: AWS's answer for a bucket that does not exist. */
export const s3BucketNotFound = () =>
  invalidParameterValue(
    "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist",
  );

/** Emulator limit, not an AWS text: only .zip packages run here. */
export const imagesNotSupported = () =>
  invalidParameterValue(
    "Container image functions (PackageType Image, Code.ImageUri) are not supported by this emulator; upload a .zip archive as Code.ZipFile.",
  );

// --- Invoke ------------------------------------------------------------------------------------

export const invalidPayload = (reason: string) =>
  new AwsError(
    "InvalidRequestContentException",
    `Could not parse request body into json: Could not parse payload into json: ${reason}`,
    400,
    USER,
  );

/** Not observed: AWS rejects a client context that is not base64-encoded JSON. */
export const invalidClientContext = () =>
  new AwsError(
    "InvalidRequestContentException",
    "Client context must be a valid Base64-encoded JSON object.",
    400,
    USER,
  );

export const payloadTooLarge = (limit: number, operation: "InvokeFunction" | "InvokeAsync") =>
  new AwsError(
    "RequestTooLargeException",
    `Request must be smaller than ${limit} bytes for the ${operation} operation`,
    413,
    USER,
  );

// --- Permissions -------------------------------------------------------------------------------

export const statementAlreadyExists = (sid: string) =>
  resourceConflict(
    `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
  );

export const noPolicy = () => resourceNotFound("No policy is associated with the given resource.");

export const statementNotFound = (sid: string) =>
  resourceNotFound(`Statement ${sid} is not found in resource policy.`);

export const invalidPrincipal = () =>
  invalidParameterValue(
    "The provided principal was invalid. Please check the principal and try again.",
  );

export const policyForLatest = () =>
  invalidParameterValue("We currently do not support adding policies for $LATEST.");

export const policyTooLarge = (size: number) =>
  new AwsError(
    "PolicyLengthExceededException",
    `The final policy size (${size}) is bigger than the limit (${MAX_POLICY_BYTES}).`,
    400,
    USER,
  );

// --- Event invoke config -----------------------------------------------------------------------

export const eventInvokeConfigNotFound = (qualifiedArn: string) =>
  resourceNotFound(`The function ${qualifiedArn} doesn't have an EventInvokeConfig`);

export const eventInvokeConfigEmpty = () =>
  invalidParameterValue("You must specify at least one of error handling or destination setting.");

export const destinationIsItself = () =>
  invalidParameterValue("You can't specify the function as a destination for itself.");

export const destinationNotFound = (arn: string) =>
  invalidParameterValue(`The destination ARN ${arn} is invalid.`);

export const destinationConfigInvalid = (onSuccess?: string, onFailure?: string) =>
  invalidParameterValue(
    `The provided destination config DestinationConfig(onSuccess=${onSuccess ? `OnSuccess(destination=${onSuccess})` : "null"}, onFailure=${onFailure ? `OnFailure(destination=${onFailure})` : "null"}) is invalid.`,
  );

// --- Requests ----------------------------------------------------------------------------------

/** AWS's "N validation error(s) detected" template, as ValidationException (no Type member). */
export function constraintViolation(failures: ConstraintFailure[]): AwsError {
  const text = validationMessage(failures);
  return new AwsError("ValidationException", text, 400);
}

/** A body that is not JSON, or a member of the wrong JSON type: the front end cannot read it. */
export const serializationError = (message: string) =>
  new AwsError("SerializationException", message, 400, {}, "Message");

export const unknownOperation = (method: string, path: string) =>
  new AwsError("UnknownOperationException", `Unknown operation ${method} ${path}`, 404);
