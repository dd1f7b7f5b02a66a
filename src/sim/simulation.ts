// The simulation's front door: `simulate` (the event loop in loop.ts, the actors in actors/) and the world's types.

export { simulate } from './loop.ts';
export type {
  Answer,
  Bounds,
  JobRun,
  Operation,
  OperationResult,
  PinnedFaults,
  ServerPolicy,
  SimulationResult,
  World,
} from './world.ts';
