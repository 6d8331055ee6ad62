/**
 * What a coordinator and its agents say to each other over HTTP. The messages of the run
 * itself are the split run's own (the same ones worker threads exchange); this file adds only
 * what a network needs around them: joining, sequence numbers for resending, and the clock.
 *
 *   agent                                   coordinator
 *   POST /v1/join        {name, index?, clock} ──► assignment {agentId, index, of, profile}
 *   GET  /v1/agents/ID/control?after=C       ◄── NDJSON, one {cseq, message} a line, kept open
 *   POST /v1/agents/ID/messages  [{seq, message}] ──► {ack: highest seq taken}
 *   GET  /v1/time                                ──► {clock} (offset estimate, before the start)
 */

import type { ProfileOverrides } from '../profiles/load';
import type { FromWorker, ToWorker } from '../split/messages';

export const protocolVersion = 1;

/** What an agent gets to apply on top of the profile: the coordinator's command-line overrides. */
export type AgentOverrides = ProfileOverrides;

export interface JoinRequest {
  version: number;
  name: string;
  /** The pod's completion index under an Indexed Job; the coordinator honours it when free. */
  index?: number;
}

export interface ProfileSource {
  /** The profile as the coordinator parsed it (before overrides and before {{env.X}}: agents resolve those). */
  document: unknown;
  /** Its file name, for messages. */
  label: string;
  /** The directory relative paths in the profile (data files) resolve against. */
  dir: string;
}

export interface Assignment<Overrides> {
  agentId: string;
  /** This agent's segment: index of `of` (the split run's shard, carried over the network). */
  index: number;
  of: number;
  profile: ProfileSource;
  overrides: Overrides;
  /** The coordinator's --agent-timeout: an agent that cannot reach it for longer gives up (optional: older coordinators). */
  lossTimeoutMs?: number;
}

/** A message from the coordinator, numbered so a reconnecting agent asks for what it missed. */
export interface ControlLine<T> {
  cseq: number;
  message: T;
}

/** A message from an agent, numbered so a resend after a network break is taken once. */
export interface AgentLine<T> {
  seq: number;
  message: T;
}

export interface MessagesReply {
  ack: number;
}

/** Sends a `:` comment line on the control stream this often, so a dead link shows up. */
export const keepAliveMs = 2000;

/** Agent → coordinator: the split run's own messages, plus the clock measured when it joined. */
export type FromAgent = FromWorker | { type: 'clock'; offsetMs: number; rttMs: number };
/** Coordinator → agent: the split run's own control messages ('go' carries the start instant). */
export type ToAgent = ToWorker;
