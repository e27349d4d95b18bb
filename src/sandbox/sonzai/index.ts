// PLACEHOLDER — replaced by the sonzai simulator implementation.
import type { SandboxProvider, SimulatorOptions } from '../types.js';

export declare function createSonzaiSimulator(options: SimulatorOptions): SandboxProvider<'sonzai'>;
