// PLACEHOLDER — replaced by the spacebring simulator implementation.
import type { SandboxProvider, SimulatorOptions } from '../types.js';

export declare function createSpacebringSimulator(options: SimulatorOptions): SandboxProvider<'spacebring'>;
