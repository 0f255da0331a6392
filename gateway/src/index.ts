export { createGateway, type RunningGateway } from './create-gateway.js';
export { loadGatewayConfig, type GatewayConfig } from './gateway.config.js';
