/**
 * Every REST API route, registered here: import a module's route array and spread it in. The
 * router orders routes by specificity itself (literal segments before parameters), so the order
 * here does not matter; a method and path registered twice is an error at start-up.
 */
import { escalationPolicyRoutes } from "./escalationPolicies.js";
import { incidentNoteRoutes } from "./incidentNotes.js";
import { incidentStatusUpdateRoutes } from "./incidentStatusUpdates.js";
import { incidentRoutes } from "./incidents.js";
import { logEntryRoutes } from "./logEntries.js";
import { maintenanceWindowRoutes } from "./maintenanceWindows.js";
import { oncallRoutes } from "./oncalls.js";
import { priorityRoutes } from "./priorities.js";
import type { RestRoute } from "./router.js";
import { scheduleRoutes } from "./schedules.js";
import { serviceRoutes } from "./services.js";
import { teamRoutes } from "./teams.js";
import { userRoutes } from "./users.js";

export const REST_ROUTES: readonly RestRoute[] = [
  ...incidentRoutes,
  ...incidentNoteRoutes,
  ...incidentStatusUpdateRoutes,
  ...logEntryRoutes,
  ...userRoutes,
  ...teamRoutes,
  ...escalationPolicyRoutes,
  ...serviceRoutes,
  ...priorityRoutes,
  ...maintenanceWindowRoutes,
  ...scheduleRoutes,
  ...oncallRoutes,
];
