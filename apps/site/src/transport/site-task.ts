/**
 * The coordinator's SiteTask as the agent reads it: the types of the nextTask operation in coordinator.graphql,
 * derived from apps/coordinator/schema.graphql (coordinator-operations.generated.ts), never written by hand.
 */
import type { NextTaskMutation } from './coordinator-operations.generated';

export type { FederationStatus, TaskKind } from './coordinator-operations.generated';

export type SiteTask = NextTaskMutation['nextTask'];

/** 1-based roundIndex; with totalRounds and localSteps it places the round in the federation-wide LR schedule. */
export type TrainingTask = NonNullable<SiteTask['training']>;
