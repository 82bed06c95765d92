/**
 * The services watermelon stands in for: the real host names each answers to, and the ports it
 * listens on. One table, so the CLI flags, the README and the proxy's routing agree.
 */
export type ServiceRole =
  | "aws"
  | "logzioListener"
  | "logzioApi"
  | "pagerdutyEvents"
  | "pagerdutyApi";

export type PortName = ServiceRole | "logzioListenerTls" | "proxy";

export interface ServiceEntry {
  role: ServiceRole;
  title: string;
  /** Ports the service listens on; every port speaks both plain HTTP and TLS. */
  ports: PortName[];
  /** The port whose URL is advertised for https (the Logz.io listener keeps 8071 for TLS). */
  tlsPort: PortName;
  /** Real host names, as shown to users. */
  hosts: string[];
  /** Whether a host name (lower case, no port) is one this service stands in for. */
  answers(host: string): boolean;
}

export const SERVICES: readonly ServiceEntry[] = [
  {
    role: "aws",
    title: "AWS (CloudWatch Logs + Lambda)",
    ports: ["aws"],
    tlsPort: "aws",
    hosts: ["logs.<region>.amazonaws.com", "lambda.<region>.amazonaws.com"],
    answers: (host) => /^(logs|lambda|sts)\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com$/.test(host),
  },
  {
    role: "logzioListener",
    title: "Logz.io listener",
    ports: ["logzioListener", "logzioListenerTls"],
    tlsPort: "logzioListenerTls",
    hosts: ["listener.logz.io", "listener-<region>.logz.io"],
    answers: (host) => /^listener(-[a-z0-9]+)?\.logz\.io$/.test(host),
  },
  {
    role: "logzioApi",
    title: "Logz.io API",
    ports: ["logzioApi"],
    tlsPort: "logzioApi",
    hosts: ["api.logz.io", "api-<region>.logz.io"],
    answers: (host) => /^api(-[a-z0-9]+)?\.logz\.io$/.test(host),
  },
  {
    role: "pagerdutyEvents",
    title: "PagerDuty Events API",
    ports: ["pagerdutyEvents"],
    tlsPort: "pagerdutyEvents",
    hosts: ["events.pagerduty.com", "events.eu.pagerduty.com"],
    answers: (host) => /^events(\.eu)?\.pagerduty\.com$/.test(host),
  },
  {
    role: "pagerdutyApi",
    title: "PagerDuty REST API",
    ports: ["pagerdutyApi"],
    tlsPort: "pagerdutyApi",
    hosts: ["api.pagerduty.com", "api.eu.pagerduty.com"],
    answers: (host) => /^api(\.eu)?\.pagerduty\.com$/.test(host),
  },
];

/**
 * Default ports: the real service's where it has a well-known one (LocalStack's 4566 for AWS,
 * Logz.io's listener 8070/8071), fixed choices for the rest. Flags override each.
 */
export const DEFAULT_PORTS: Readonly<Record<PortName, number>> = {
  aws: 4566,
  logzioListener: 8070,
  logzioListenerTls: 8071,
  logzioApi: 8072,
  pagerdutyEvents: 8073,
  pagerdutyApi: 8074,
  proxy: 8079,
};

/** The command-line flag that sets each port. */
export const PORT_FLAGS: Readonly<Record<PortName, string>> = {
  aws: "--aws-port",
  logzioListener: "--logzio-listener-port",
  logzioListenerTls: "--logzio-listener-tls-port",
  logzioApi: "--logzio-api-port",
  pagerdutyEvents: "--pagerduty-events-port",
  pagerdutyApi: "--pagerduty-api-port",
  proxy: "--proxy-port",
};

export const PORT_TITLES: Readonly<Record<PortName, string>> = {
  aws: "the AWS emulator",
  logzioListener: "the Logz.io listener (http)",
  logzioListenerTls: "the Logz.io listener (https)",
  logzioApi: "the Logz.io API",
  pagerdutyEvents: "the PagerDuty Events API",
  pagerdutyApi: "the PagerDuty REST API",
  proxy: "the HTTPS proxy",
};

/** The service a real host name belongs to, if any. */
export function serviceForHost(host: string): ServiceEntry | undefined {
  const name = host.toLowerCase().replace(/\.$/, "");
  return SERVICES.find((s) => s.answers(name));
}
