/**
 * Every REST API route, registered here: import a module's route array and spread it in. The
 * router orders routes by specificity itself (literal segments before parameters), so the order
 * here does not matter; a method and path registered twice is an error at start-up.
 */
import { priorityRoutes } from "./priorities.js";
import type { RestRoute } from "./router.js";

export const REST_ROUTES: readonly RestRoute[] = [...priorityRoutes];
