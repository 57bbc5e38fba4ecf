/** The local API Gateway WebSocket emulator: `startGateway(options)` and the types around it. */
export { startGateway, type Gateway } from './server'
export { resolveOptions, defaultIdentityPool, OptionError, DEFAULT_API_ID } from './options'
export type {
  GatewayOptions,
  ResolvedOptions,
  CloseCause,
  CloseStatus,
  StaticCredentials,
  LogFunction,
  LogLevel,
} from './options'
export type {
  ConnectInfo,
  DisconnectInfo,
  GatewayEventMap,
  GatewayEventName,
  MessageInfo,
  RefusedInfo,
  SendInfo,
} from './events'
export type { ConnectionInfo } from './connection-registry'
export type { HandlerMap, HandlerModule, LambdaContext, RouteHandler } from './handlers'
export type { WebSocketEvent, WebSocketRequestContext, WebSocketResult } from './lambda-events'
export { LAMBDA_ROLE_CREDENTIALS } from './credential-store'
export {
  compileRouteSelectionExpression,
  evaluateExpression,
  selectRoute,
  stringifySelected,
} from './route-selection'
export { verifySigV4, canonicalUri } from './sigv4-verify'
