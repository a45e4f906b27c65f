import type { Socket } from 'socket.io';
import type { ClientToServer, ServerToClient } from '../protocol.js';

/** One connected surface (a tab, a tablet), as every part of the live channel sees it. */
export interface LiveClient {
  readonly socket: Socket<ClientToServer, ServerToClient>;
  /** The origin tag of this surface's changes, so they are not echoed back to it. */
  readonly origin: string;
}

/** A refusal told to the client that sent something bad (counted in the live stats). */
export type Refuse = (client: LiveClient, event: string, problems: string[]) => void;
