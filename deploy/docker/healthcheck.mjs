// Docker HEALTHCHECK of every image (slim images have no curl): GET /healthz on the process's own port.
// PDN_SERVICE is set by the Dockerfile; the port is <SERVICE>_PORT when set, else the service's default.
const DEFAULT_PORTS = { gateway: 4000, members: 4001, calendar: 4002, feed: 4003 };

const service = process.env.PDN_SERVICE ?? '';
const port = process.env[`${service.toUpperCase()}_PORT`] || DEFAULT_PORTS[service];
if (!port) {
  console.error(`healthcheck: unknown PDN_SERVICE ${JSON.stringify(service)}`);
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
