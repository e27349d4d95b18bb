// PLACEHOLDER — replaced by the hostup simulator implementation.
import type { SandboxProvider, SimulatorOptions } from '../types.js';

export declare function createHostupSimulator(options: SimulatorOptions): SandboxProvider<'hostup'>;
