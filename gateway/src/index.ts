/** The local API Gateway WebSocket emulator: `startGateway(options)` and the types around it. */
export { startGateway, type Gateway } from './server'
export { OptionError } from './options'
export type {
  GatewayOptions,
  ResolvedOptions,
  CloseCause,
  CloseStatus,
  StaticCredentials,
  LogFunction,
  LogLevel,
} from './options'
export type { Clock, Timer } from './clock'
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
