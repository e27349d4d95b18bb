// PLACEHOLDER — replaced by the moov simulator implementation.
import type { SandboxProvider, SimulatorOptions } from '../types.js';

export declare function createMoovSimulator(options: SimulatorOptions): SandboxProvider<'moov'>;
