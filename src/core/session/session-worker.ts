/// <reference lib="webworker" />
import { serveHost, type HostScope } from './host-worker-side'

// The page's sockets live here (see worker-host.ts): the main thread only renders what they report.
serveHost(self as unknown as HostScope)
